// Routes of the password capability: register, sign in with a password, change it with the current one.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { loginWithPassword } from './login';
import { registerUser } from './register';
import { lockoutPolicyFor } from './throttle';
import { changePassword } from './change';
import { respondWithTokens } from '../sessions/token-response';
import { readJsonBody } from '../http/body';
import { defineRoute } from '../http/define-route';
import { parseWithSchema } from '../http/schema';
import { logAuthEvent } from '../core/log';
import { limitPerIp } from '../http/ip-rate-limit';
import { requireAuth } from '../sessions/require-auth';
import { loginForbiddenResponse, registeredUserResponse, type RegisteredUserResponse } from './responses';
import { tokenResponse } from '../sessions/responses';
import { requestVerificationLink } from '../account/email-verification';
import { assertMailCanLeave, enqueueMail } from '../mail/outbox';
import { linkContextFor } from '../account/routes';
import { securityNoticesFor } from '../account/notice-context';
import { loginBody, passwordChangeBody, registerBody } from './schemas';

const TAG = 'Authentication';

/** Adds register, password sign-in and password change to the app. */
export function addPasswordRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/register', tag: TAG, auth: 'none', body: registerBody,
      summary: 'Create an account; a verification link goes to its address.',
      responses: { 201: { description: 'The new user (email_verified false).', body: registeredUserResponse }, 400: 'invalid_request or weak_password.', 409: 'email_taken.', 429: 'too_many_attempts (per-IP limit).' },
    },
    // Register mails a link, so it counts in the mail bucket, with forgot password and the other mailing routes.
    limitPerIp('mail'),
    async (c) => {
      const input = parseWithSchema(registerBody, await readJsonBody(c.req.raw));
      assertMailCanLeave(c.var.config.account, c.req.raw);
      const client = readClientInfo(c.req.raw);
      const user = await registerUser(c.env, input.email, input.password, c.var.nowSeconds);
      logAuthEvent('register', { user_id: user.id, ip: client.ip });
      const verification = await requestVerificationLink(linkContextFor(c), user.id, { quietWhenLimited: true });
      await enqueueMail(c.env, verification ? [verification] : []);
      const body: RegisteredUserResponse = { user: { id: user.id, email: user.email, email_verified: user.emailVerified, created_at: new Date(user.createdAt * 1000).toISOString() } };
      return c.json(body, 201);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/login', tag: TAG, auth: 'none', body: loginBody,
      summary: 'Sign in with email and password; opens a session.',
      responses: {
        200: { description: 'Access token; refresh token in an HttpOnly cookie, or in the body with token_delivery "body".', body: tokenResponse, headers: ['Set-Cookie'] },
        400: 'invalid_request.',
        401: 'invalid_credentials.',
        403: { description: 'mfa_required with an mfa_token (TOTP is on: finish at POST /auth/login/mfa), or email_not_verified (only with REQUIRE_EMAIL_VERIFICATION=true).', body: loginForbiddenResponse },
        429: 'too_many_attempts: the account is locked, or the per-IP limit is reached.',
      },
    },
    limitPerIp('auth'),
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
      method: 'POST', path: '/auth/password', tag: 'Sessions', auth: 'bearer', body: passwordChangeBody,
      summary: 'Change the password with the current one; every other session ends, this one keeps working.',
      responses: {
        204: 'Changed.',
        400: 'invalid_request or weak_password.',
        401: 'invalid_token, or invalid_credentials for a wrong current password.',
        429: 'too_many_attempts: the account is locked after repeated wrong passwords.',
      },
    },
    requireAuth(),
    async (c) => handlePasswordChange(c),
  );
}

async function handlePasswordChange(c: Context<AppEnv>): Promise<Response> {
  const input = parseWithSchema(passwordChangeBody, await readJsonBody(c.req.raw));
  const config = c.var.config;
  await changePassword(
    { env: c.env, nowSeconds: c.var.nowSeconds, revocation: config, lockout: lockoutPolicyFor(config), client: readClientInfo(c.req.raw), notices: securityNoticesFor(c) },
    c.var.auth,
    input.current_password,
    input.new_password,
  );
  return c.body(null, 204);
}
