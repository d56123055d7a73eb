// edge-auth/verify/hono: a Hono middleware on top of createVerifier.

import type { MiddlewareHandler } from 'hono';
import { readBearerCredentials } from '../http/bearer';
import type { AccessTokenClaims } from '../core/token-verification';
import { TokenRejectedError, VerifierError } from './errors';
import type { Verifier } from './verifier';

/** Seconds a client is told to wait when the JWKS or the revocation store is down. */
export const VERIFIER_RETRY_AFTER_SECONDS = 5;

/** The context variables the middleware sets. */
export interface VerifiedTokenVariables {
  accessTokenClaims: AccessTokenClaims;
}

/**
 * Requires a valid edge-auth access token in `Authorization: Bearer`. Sets
 * `c.var.accessTokenClaims`, or answers 401 `invalid_token` (RFC 6750),
 * 400 `invalid_request` (token in the URL, two headers), or 503 when keys or
 * revocations cannot be read. Never echoes the token.
 *
 * @example
 * const app = new Hono<{ Variables: VerifiedTokenVariables }>();
 * app.use('/api/*', requireAccessToken(verifier));
 * app.get('/api/me', (c) => c.json({ user: c.var.accessTokenClaims.sub }));
 */
export function requireAccessToken(verifier: Verifier): MiddlewareHandler<{ Variables: VerifiedTokenVariables }> {
  return async (c, next) => {
    const credentials = readBearerCredentials(c.req.raw);
    if (credentials.kind === 'none') return invalidToken('Bearer', 'An access token is required.');
    if (credentials.kind === 'refused') {
      if (credentials.problem === 'malformed_header') return invalidToken('Bearer error="invalid_token"', 'The access token is invalid, expired or revoked.');
      return Response.json({ error: 'invalid_request', message: 'Send one access token in one Authorization header.' }, { status: 400, headers: { 'WWW-Authenticate': 'Bearer error="invalid_request"', 'Cache-Control': 'no-store' } });
    }
    try {
      c.set('accessTokenClaims', await verifier.verify(credentials.token));
    } catch (error) {
      if (error instanceof TokenRejectedError) return invalidToken('Bearer error="invalid_token"', 'The access token is invalid, expired or revoked.');
      if (error instanceof VerifierError) {
        return Response.json(
          { error: 'service_unavailable', message: 'Tokens cannot be checked right now. Please retry shortly.' },
          { status: 503, headers: { 'Retry-After': String(VERIFIER_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' } },
        );
      }
      throw error;
    }
    await next();
  };
}

function invalidToken(challenge: string, message: string): Response {
  return Response.json({ error: 'invalid_token', message }, { status: 401, headers: { 'WWW-Authenticate': challenge, 'Cache-Control': 'no-store' } });
}
