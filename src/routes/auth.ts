// Routes for register, login, refresh, logout and /auth/me.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { readClientInfo } from '../auth/client-info';
import { loginWithPassword } from '../auth/login';
import { logoutSession } from '../auth/logout';
import { invalidRefreshToken, refreshSession } from '../auth/refresh';
import { registerUser } from '../auth/register';
import { lockoutPolicyFor } from '../auth/throttle';
import { respondWithTokens } from '../auth/token-response';
import { AuthError } from '../errors';
import { readJsonBody } from '../http/body';
import { clearedRefreshCookie, readRefreshCookie } from '../http/cookies';
import { defineRoute } from '../http/define-route';
import { parseWithSchema } from '../http/schema';
import { logAuthEvent } from '../log';
import { requireTrustedOrigin } from '../middleware/origin-check';
import { readBearerToken, requireAuth, verifyRequestAccessToken } from '../middleware/require-auth';
import { requestVerificationLink } from '../auth/email-verification';
import { assertMailCanLeave, enqueueMail } from '../mail/outbox';
import { linkContextFor } from './account';
import { loginBody, refreshBody, registerBody } from './schemas';

const TAG = 'Authentication';

/** Adds the authentication routes to the app. */
export function addAuthRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/register', tag: TAG, auth: 'none', body: registerBody,
      summary: 'Create an account; a verification link goes to its address.',
      responses: { 201: 'The new user (email_verified false).', 400: 'invalid_request or weak_password.', 409: 'email_taken.', 429: 'too_many_attempts (per-IP limit).' },
    },
    async (c) => {
      const input = parseWithSchema(registerBody, await readJsonBody(c.req.raw));
      assertMailCanLeave(c.var.config.account, c.req.raw);
      const client = readClientInfo(c.req.raw);
      const throttle = { ip: client.ip, ipRateLimitPerMinute: c.var.config.ipRateLimitPerMinute };
      const user = await registerUser(c.env, input.email, input.password, c.var.nowSeconds, throttle);
      logAuthEvent('register', { user_id: user.id, ip: client.ip });
      const verification = await requestVerificationLink(linkContextFor(c), user.id, { quietWhenLimited: true });
      await enqueueMail(c.env, verification ? [verification] : []);
      return c.json({ user: { id: user.id, email: user.email, email_verified: user.emailVerified, created_at: new Date(user.createdAt * 1000).toISOString() } }, 201);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/login', tag: TAG, auth: 'none', body: loginBody,
      summary: 'Sign in with email and password; opens a session.',
      responses: { 200: 'Access token; refresh token in an HttpOnly cookie, or in the body with token_delivery "body".', 400: 'invalid_request.', 401: 'invalid_credentials.', 403: 'email_not_verified (only with REQUIRE_EMAIL_VERIFICATION=true).', 429: 'too_many_attempts.' },
    },
    async (c) => {
      const input = parseWithSchema(loginBody, await readJsonBody(c.req.raw));
      const config = c.var.config;
      const client = readClientInfo(c.req.raw);
      const session = await loginWithPassword(
        {
          env: c.env,
          nowSeconds: c.var.nowSeconds,
          refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
          client,
          lockout: lockoutPolicyFor(config),
          ipRateLimitPerMinute: config.ipRateLimitPerMinute,
          requireEmailVerification: config.account.requireEmailVerification,
        },
        input.email,
        input.password,
      );
      const channel = input.token_delivery ?? 'cookie';
      logAuthEvent('login_succeeded', { user_id: session.userId, sid: session.sessionId, channel, ip: client.ip });
      return respondWithTokens(c, session, channel);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/refresh', tag: TAG, auth: 'refresh', body: refreshBody, bodyOptional: true,
      summary: 'Exchange a refresh token (cookie or body) for a new access token and a rotated refresh token.',
      responses: { 200: 'Same body as login; the rotated refresh token comes back in the channel it came in.', 400: 'invalid_request.', 401: 'invalid_refresh_token (the cookie is cleared).', 403: 'forbidden_origin.', 429: 'too_many_attempts (per-IP limit).' },
    },
    requireTrustedOrigin(),
    async (c) => {
      const presented = await readPresentedRefreshToken(c);
      if (!presented) return clearCookieAndRethrow(c, invalidRefreshToken('no refresh token sent'));
      const config = c.var.config;
      try {
        const session = await refreshSession(
          {
            env: c.env,
            nowSeconds: c.var.nowSeconds,
            graceSeconds: config.refreshReuseGraceSeconds,
            revocation: config,
            client: readClientInfo(c.req.raw),
            ipRateLimitPerMinute: config.ipRateLimitPerMinute,
          },
          presented.token,
        );
        logAuthEvent('refresh_succeeded', { user_id: session.userId, sid: session.sessionId, channel: presented.channel });
        return await respondWithTokens(c, session, presented.channel);
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
      responses: { 204: 'Logged out; the cookie is cleared.', 400: 'invalid_request.', 403: 'forbidden_origin.' },
    },
    requireTrustedOrigin(),
    async (c) => {
      const presented = await readPresentedRefreshToken(c);
      const bearerSession = await readOptionalBearerSession(c);
      const client = readClientInfo(c.req.raw);
      const revoked = await logoutSession(c.env, c.var.config, { refreshToken: presented?.token, bearerSession, client }, c.var.nowSeconds);
      logAuthEvent('logout', { sid: revoked[0], user_id: bearerSession?.userId, sessions_revoked: revoked.length });
      c.header('Set-Cookie', clearedRefreshCookie(c.var.config.cookieSameSite));
      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/me', tag: TAG, auth: 'bearer',
      summary: 'The signed-in user, from the access token alone (no database read).',
      responses: { 200: 'The user and the session id.', 401: 'invalid_token.' },
    },
    requireAuth(),
    (c) => {
      const auth = c.var.auth;
      return c.json({ user: { id: auth.userId, email: auth.email, email_verified: auth.claims.email_verified, roles: auth.roles }, session_id: auth.sessionId });
    },
  );
}

/**
 * The refresh token from the cookie or from the body, with the channel it
 * came in. Both at once is refused (400): a token is sent one way only.
 */
async function readPresentedRefreshToken(c: Context<AppEnv>): Promise<{ token: string; channel: 'cookie' | 'body' } | undefined> {
  const fromCookie = readRefreshCookie(c.req.header('Cookie') ?? null);
  const body = await readJsonBody(c.req.raw, { optional: true });
  const fromBody = body === undefined ? undefined : parseWithSchema(refreshBody, body).refresh_token;
  if (fromCookie !== undefined && fromBody !== undefined) {
    throw new AuthError('invalid_request', 'Send the refresh token either in the cookie or in the body, not both.');
  }
  if (fromCookie !== undefined) return { token: fromCookie, channel: 'cookie' };
  if (fromBody !== undefined) return { token: fromBody, channel: 'body' };
  return undefined;
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
    headers: { ...error.headers, 'Set-Cookie': clearedRefreshCookie(c.var.config.cookieSameSite) },
  });
}
