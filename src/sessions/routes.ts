// Routes for refresh, logout and /auth/me.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { logoutSession } from './logout';
import { invalidRefreshToken, refreshSession } from './refresh';
import { respondWithTokens } from './token-response';
import { clearedSignInStateCookie } from './sign-in-state';
import { AuthError } from '../core/errors';
import { readJsonBody } from '../http/body';
import { clearedLegacyRefreshCookie, clearedRefreshCookie, readRefreshCookie, type RefreshCookieChoice } from '../http/cookies';
import { defineRoute } from '../http/define-route';
import { parseWithSchema } from '../http/schema';
import { logAuthEvent } from '../core/log';
import { limitPerIp } from '../http/ip-rate-limit';
import { requireTrustedOrigin } from '../http/origin-check';
import { readBearerToken, requireAuth, verifyRequestAccessToken } from './require-auth';
import { meResponse, tokenResponse, type MeResponse } from './responses';
import { refreshBody } from './schemas';

const TAG = 'Authentication';

/** Adds the authentication routes to the app. */
export function addAuthRoutes(app: Hono<AppEnv>): void {

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/refresh', tag: TAG, auth: 'refresh', body: refreshBody, bodyOptional: true,
      summary: 'Exchange a refresh token (cookie or body) for a new access token and a rotated refresh token.',
      responses: {
        200: { description: 'Same body as login; the rotated refresh token comes back in the channel it came in.', body: tokenResponse, headers: ['Set-Cookie'] },
        400: 'invalid_request: a malformed body, or a token both in the cookie and in the body.',
        401: { description: 'invalid_refresh_token (the cookie is cleared): unknown, expired, revoked or reused, or several different refresh cookies.', requiredHeaders: ['Set-Cookie'] },
        403: 'forbidden_origin.',
        429: 'too_many_attempts (per-IP limit).',
      },
    },
    requireTrustedOrigin(),
    limitPerIp('auth'),
    async (c) => {
      const presented = await readPresentedRefreshToken(c);
      if (presented.kind === 'ambiguous') return clearCookieAndRethrow(c, invalidRefreshToken('several refresh cookies (cookie tossing?)'));
      if (presented.kind === 'none') return clearCookieAndRethrow(c, invalidRefreshToken('no refresh token sent'));
      const config = c.var.config;
      try {
        const session = await refreshSession(
          {
            env: c.env,
            nowSeconds: c.var.nowSeconds,
            graceSeconds: config.refreshReuseGraceSeconds,
            revocation: config,
            client: readClientInfo(c.req.raw),
          },
          presented.token,
        );
        logAuthEvent('refresh_succeeded', { user_id: session.userId, sid: session.sessionId, channel: presented.channel });
        // A browser still holding the old cookie name moves to the __Host- cookie now.
        const extraCookies = presented.legacyCookieSeen ? [clearedLegacyRefreshCookie(config.cookieSameSite)] : [];
        return await respondWithTokens(c, session, presented.channel, extraCookies);
      } catch (error) {
        if (error instanceof AuthError && error.code === 'invalid_refresh_token') {
          return clearCookieAndRethrow(c, error);
        }
        throw error;
      }
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/logout', tag: TAG, auth: 'refresh-or-bearer', body: refreshBody, bodyOptional: true,
      summary: 'End this session (refresh cookie, body token and/or bearer). Idempotent.',
      responses: {
        204: { description: 'Logged out; the cookie is cleared.', requiredHeaders: ['Set-Cookie'] },
        400: 'invalid_request.',
        401: 'invalid_token: an Authorization header that is not one well-formed bearer token.',
        403: 'forbidden_origin.',
        429: 'too_many_attempts (per-IP limit).',
      },
    },
    requireTrustedOrigin(),
    limitPerIp('auth'),
    async (c) => {
      const refreshToken = await readLogoutRefreshToken(c);
      const bearerSession = await readOptionalBearerSession(c);
      const client = readClientInfo(c.req.raw);
      const revoked = await logoutSession(c.env, c.var.config, { refreshToken, bearerSession, client }, c.var.nowSeconds);
      logAuthEvent('logout', { sid: revoked[0], user_id: bearerSession?.userId, sessions_revoked: revoked.length });
      for (const cookie of clearedCookies(c)) c.header('Set-Cookie', cookie, { append: true });
      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/me', tag: TAG, auth: 'bearer',
      summary: 'The signed-in user, from the access token alone (no database read).',
      responses: { 200: { description: 'The user and the session id.', body: meResponse }, 401: 'invalid_token.' },
    },
    requireAuth(),
    (c) => {
      const auth = c.var.auth;
      const body: MeResponse = { user: { id: auth.userId, email: auth.email, email_verified: auth.claims.email_verified, roles: [...auth.roles] }, session_id: auth.sessionId };
      return c.json(body);
    },
  );
}

/** What a refresh was given: one token and its channel, nothing, or several cookies that cannot be told apart. */
type PresentedRefreshToken =
  | { kind: 'token'; token: string; channel: 'cookie' | 'body'; legacyCookieSeen: boolean }
  | { kind: 'none' }
  | { kind: 'ambiguous' };

/**
 * The refresh token from the cookie or from the body, with the channel it
 * came in. Both at once is refused (400): a token is sent one way only.
 */
async function readPresentedRefreshToken(c: Context<AppEnv>): Promise<PresentedRefreshToken> {
  const cookie = readRefreshCookie(c.req.header('Cookie') ?? null);
  const fromBody = await readBodyRefreshToken(c);
  if (cookie.kind !== 'none' && fromBody !== undefined) {
    throw new AuthError('invalid_request', 'Send the refresh token either in the cookie or in the body, not both.');
  }
  if (cookie.kind === 'ambiguous') return { kind: 'ambiguous' };
  if (cookie.kind === 'one') return { kind: 'token', token: cookie.token, channel: 'cookie', legacyCookieSeen: cookie.legacySeen };
  if (fromBody !== undefined) return { kind: 'token', token: fromBody, channel: 'body', legacyCookieSeen: false };
  return { kind: 'none' };
}

async function readBodyRefreshToken(c: Context<AppEnv>): Promise<string | undefined> {
  const body = await readJsonBody(c.req.raw, { optional: true });
  return body === undefined ? undefined : parseWithSchema(refreshBody, body).refresh_token;
}

/**
 * The refresh token a logout revokes: the body's, else the one cookie that
 * counts. Cookies that cannot be told apart name nothing, but never block the
 * logout: the bearer token's session still ends and every cookie is cleared.
 */
async function readLogoutRefreshToken(c: Context<AppEnv>): Promise<string | undefined> {
  const fromBody = await readBodyRefreshToken(c);
  if (fromBody !== undefined) return fromBody;
  const cookie: RefreshCookieChoice = readRefreshCookie(c.req.header('Cookie') ?? null);
  return cookie.kind === 'one' ? cookie.token : undefined;
}

/** The `Set-Cookie` values that clear the refresh cookie, and the old-name one when the request carried it. */
function clearedCookies(c: Context<AppEnv>): string[] {
  const sameSite = c.var.config.cookieSameSite;
  const cleared = [clearedRefreshCookie(sameSite), clearedSignInStateCookie()];
  if (readRefreshCookie(c.req.header('Cookie') ?? null).legacySeen) cleared.push(clearedLegacyRefreshCookie(sameSite));
  return cleared;
}

/** The session of a bearer token that verifies; `undefined` when absent or invalid (logout stays idempotent). */
async function readOptionalBearerSession(c: Context<AppEnv>): Promise<{ sessionId: string; userId: string } | undefined> {
  const token = readBearerToken(c.req.raw);
  if (token === undefined) return undefined;
  const verification = await verifyRequestAccessToken(c, token);
  return verification.valid ? { sessionId: verification.claims.sid, userId: verification.claims.sub } : undefined;
}

function clearCookieAndRethrow(c: Context<AppEnv>, error: AuthError): never {
  throw new AuthError(error.code, error.message, {
    logReason: error.logReason,
    headers: error.headers,
    setCookies: [...error.setCookies, ...clearedCookies(c)],
  });
}
