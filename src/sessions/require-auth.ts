// Bearer authentication (RFC 6750): verify the access token, then its session's KV flag.

import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, AuthContext } from '../http/app-env';
import { AuthError } from '../core/errors';
import { readBearerCredentials } from '../http/bearer';
import { logAuthEvent } from '../core/log';
import { isSessionRevoked } from './revocations';
import { verifyAccessToken, type AccessTokenVerification } from '../tokens/access';
import { issuerFor } from '../tokens/issuer';

/** The challenge of a 400 for a token sent twice or in the query (RFC 6750). */
export const INVALID_REQUEST_CHALLENGE = 'Bearer error="invalid_request"';

/** A 401 with `WWW-Authenticate: Bearer` (no token) or `error="invalid_token"`. */
export function invalidToken(tokenWasSent: boolean, logReason?: string): AuthError {
  const challenge = tokenWasSent ? 'Bearer error="invalid_token"' : 'Bearer';
  const message = tokenWasSent ? 'The access token is invalid, expired or revoked.' : 'An access token is required.';
  return new AuthError('invalid_token', message, { headers: { 'WWW-Authenticate': challenge }, logReason });
}

/**
 * The bearer token of a request, `undefined` when none was sent. Refuses
 * (400) a token in the query string or two Authorization headers, and
 * (401) anything in Authorization that is not one well-formed bearer token.
 */
export function readBearerToken(request: Request): string | undefined {
  const credentials = readBearerCredentials(request);
  if (credentials.kind === 'token') return credentials.token;
  if (credentials.kind === 'none') return undefined;
  // RFC 6750 §3.1: a malformed request gets 400 with its own challenge.
  const headers = { 'WWW-Authenticate': INVALID_REQUEST_CHALLENGE };
  if (credentials.problem === 'token_in_query') {
    throw new AuthError('invalid_request', 'Send the access token in the Authorization header, never in the URL.', { headers });
  }
  if (credentials.problem === 'several_headers') throw new AuthError('invalid_request', 'Send exactly one Authorization header.', { headers });
  throw invalidToken(true, 'malformed Authorization header');
}

/**
 * Checks an access token's signature and claims (no revocation check) with
 * this request's issuer and the configured audience and keys.
 */
export function verifyRequestAccessToken(c: Context<AppEnv>, token: string): Promise<AccessTokenVerification> {
  const config = c.var.config;
  return verifyAccessToken(token, {
    keys: config.signingKeys,
    issuer: issuerFor(config, c.req.raw),
    audience: config.audience,
    nowSeconds: c.var.nowSeconds,
    maxLifetimeSeconds: config.accessTokenTtlSeconds,
  });
}

/**
 * Verifies a bearer token fully: signature, claims and the KV revocation
 * flag (remembered "not revoked" for REVOCATION_CACHE_SECONDS in this
 * isolate). Returns the caller or throws a 401. A KV outage fails closed (503).
 */
export async function authenticateRequest(c: Context<AppEnv>): Promise<AuthContext> {
  const token = readBearerToken(c.req.raw);
  if (token === undefined) throw invalidToken(false);
  const verification = await verifyRequestAccessToken(c, token);
  if (!verification.valid) {
    logAuthEvent('access_token_rejected', { reason: verification.reason });
    throw invalidToken(true, verification.reason);
  }
  const { claims } = verification;
  const cache = { cacheSeconds: c.var.config.revocationCacheSeconds, nowSeconds: c.var.nowSeconds };
  if (await isSessionRevoked(c.env.KV, claims.sid, cache)) {
    logAuthEvent('access_token_rejected', { reason: 'session revoked', sid: claims.sid, jti: claims.jti });
    throw invalidToken(true, 'session revoked');
  }
  return { userId: claims.sub, sessionId: claims.sid, email: claims.email, roles: claims.roles, claims };
}

/** Middleware every protected route uses: sets `c.var.auth` or answers 401. */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('auth', await authenticateRequest(c));
    await next();
  };
}

/** Middleware for routes that need a role from the verified token (403 `insufficient_scope`). */
export function requireRole(role: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.var.auth.roles.includes(role)) {
      throw new AuthError('insufficient_scope', `This needs the "${role}" role.`, {
        headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${role}"` },
      });
    }
    await next();
  };
}
