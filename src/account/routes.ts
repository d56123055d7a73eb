// Routes for account recovery and verification: verification links, password reset, email change, account deletion.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { deleteAccount } from './deletion';
import { readClientInfo } from '../http/client-info';
import { requestEmailChange } from './email-change';
import type { LinkContext } from './email-links';
import { requestVerificationLink, useVerificationLink } from './email-verification';
import { requestPasswordReset, resetPassword } from './password-reset';
import { readJsonBody } from '../http/body';
import { publicOriginFor } from '../core/public-origin';
import { defineRoute } from '../http/define-route';
import { parseWithSchema } from '../http/schema';
import { logEvent } from '../core/log';
import type { MailMessage } from '../mail/messages';
import { assertMailCanLeave, enqueueMail } from '../mail/outbox';
import { enforceIpRateLimit } from '../http/ip-rate-limit';
import { requireAuth } from '../sessions/require-auth';
import { acceptedResponse, verifiedUserResponse, type AcceptedResponse, type VerifiedUserResponse } from './responses';
import { emailChangeBody, forgotPasswordBody, resetPasswordBody, verifyEmailBody } from './schemas';
import { PROOF_RESPONSES, proofContextFor } from '../proof/proof-context';
import { accountDeleteBody, parseProofBody, proofFrom } from '../proof/proof-schemas';
import { securityNoticesFor } from './notice-context';

const TAG = 'Account recovery';
const MAIL_CANNOT_LEAVE = 'server_misconfigured: mail cannot leave (MAIL_TRANSPORT is console outside local development), or server_error.';
const ACCEPTED: AcceptedResponse = {};

/** What issuing a link needs, from this request. */
export function linkContextFor(c: Context<AppEnv>): LinkContext {
  return { env: c.env, settings: c.var.config.account, origin: publicOriginFor(c.var.config, c.req.raw), nowSeconds: c.var.nowSeconds };
}

/** Checks that mail can leave and applies the per-IP limit: the first step of every route that mails. */
export async function prepareToMail(c: Context<AppEnv>): Promise<void> {
  assertMailCanLeave(c.var.config.account, c.req.raw);
  await enforceIpRateLimit(c.env.IP_RATE_LIMITER, c.var.config.ipRateLimitPerMinute, readClientInfo(c.req.raw).ip, 'mail');
}

/** Queues messages after the answer is sent, so its timing never depends on them; a failure is logged. */
export function queueMailInBackground(c: Context<AppEnv>, messages: readonly MailMessage[]): void {
  const work = enqueueMail(c.env, messages).catch((error: unknown) => {
    logEvent('error', 'mail_enqueue_failed', { kinds: messages.map((message) => message.kind), message: error instanceof Error ? error.message.slice(0, 200) : String(error) });
  });
  c.executionCtx.waitUntil(work);
}


/** Adds the account recovery and verification routes to the app. */
export function addAccountRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/email/verification', tag: TAG, auth: 'bearer',
      summary: 'Send a new verification link to the current address (none when it is already verified).',
      responses: {
        202: { description: 'Accepted; the link is on its way unless the address is verified.', body: acceptedResponse },
        401: 'invalid_token.',
        429: 'too_many_attempts: a link went to this address within the last minute, too many this hour, or the per-IP limit is reached.',
        500: MAIL_CANNOT_LEAVE,
      },
    },
    requireAuth(),
    async (c) => {
      await prepareToMail(c);
      const message = await requestVerificationLink(linkContextFor(c), c.var.auth.userId);
      await enqueueMail(c.env, message ? [message] : []);
      return c.json(ACCEPTED, 202);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/email/verify', tag: TAG, auth: 'none', body: verifyEmailBody,
      summary: 'Use a verification or email-change link: the address counts as verified; an email change applies now.',
      responses: {
        200: { description: 'The user, with the address now in use and verified.', body: verifiedUserResponse },
        400: 'invalid_link (unknown, used, superseded, expired, or issued before a password or address change) or invalid_request.',
        409: 'email_taken: another account took the new address first.',
      },
    },
    async (c) => {
      const input = parseWithSchema(verifyEmailBody, await readJsonBody(c.req.raw));
      const user = await useVerificationLink(linkContextFor(c), input.token);
      logEvent('info', 'email_verified', { user_id: user.id });
      const body: VerifiedUserResponse = { user: { id: user.id, email: user.email, email_verified: true } };
      return c.json(body, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/password/forgot', tag: TAG, auth: 'none', body: forgotPasswordBody,
      summary: 'Mail a password-reset link if the address has an account; the answer is identical either way.',
      responses: {
        202: { description: 'Accepted (whether or not the address has an account).', body: acceptedResponse },
        400: 'invalid_request.',
        429: 'too_many_attempts: per address (counted for every address) or per client IP.',
        500: MAIL_CANNOT_LEAVE,
      },
    },
    async (c) => {
      const input = parseWithSchema(forgotPasswordBody, await readJsonBody(c.req.raw));
      await prepareToMail(c);
      const message = await requestPasswordReset(linkContextFor(c), input.email);
      if (message) queueMailInBackground(c, [message]);
      return c.json(ACCEPTED, 202);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/password/reset', tag: TAG, auth: 'none', body: resetPasswordBody,
      summary: 'Set a new password with a reset link; every session and pending second step ends and the address counts as verified (when it was unverified, every passkey, provider identity and TOTP factor added before is removed too).',
      responses: { 204: 'Password changed; sign in with it.', 400: 'invalid_link, weak_password or invalid_request.' },
    },
    async (c) => {
      const input = parseWithSchema(resetPasswordBody, await readJsonBody(c.req.raw));
      const config = c.var.config;
      const { userId } = await resetPassword(
        { env: c.env, nowSeconds: c.var.nowSeconds, revocation: config, client: readClientInfo(c.req.raw), notices: securityNoticesFor(c), capabilities: c.var.capabilities },
        input.token,
        input.new_password,
      );
      logEvent('info', 'password_reset', { user_id: userId });
      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/email/change', tag: TAG, auth: 'bearer', body: emailChangeBody,
      summary: 'Ask to move the account to a new address: a link goes to it, a notice to the current one; nothing changes until the link is used.',
      responses: {
        202: { description: 'Accepted; the link and the notice are on their way.', body: acceptedResponse },
        400: 'invalid_request.',
        401: PROOF_RESPONSES[401],
        403: PROOF_RESPONSES[403],
        409: 'email_taken: another account has the new address.',
        429: 'too_many_attempts: a link went to the new address moments ago, the per-IP limit is reached, or the account is locked after repeated wrong proofs.',
        500: MAIL_CANNOT_LEAVE,
      },
    },
    requireAuth(),
    async (c) => {
      const input = parseWithSchema(emailChangeBody, await readJsonBody(c.req.raw)) as { new_email: string; password?: string; code?: string; credential?: unknown };
      await prepareToMail(c);
      const messages = await requestEmailChange({ ...linkContextFor(c), ...proofContextFor(c) }, c.var.auth, input.new_email, proofFrom(input));
      await enqueueMail(c.env, messages);
      return c.json(ACCEPTED, 202);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/account/delete', tag: TAG, auth: 'bearer', body: accountDeleteBody, bodyOptional: true,
      summary: 'Delete the account and everything stored about it; every access token is refused from now on.',
      responses: {
        204: 'Deleted.',
        ...PROOF_RESPONSES,
      },
    },
    requireAuth(),
    async (c) => {
      const proof = parseProofBody(accountDeleteBody, await readJsonBody(c.req.raw, { optional: true }));
      const { sessionsEnded } = await deleteAccount({ ...proofContextFor(c), revocation: c.var.config, capabilities: c.var.capabilities }, c.var.auth, proof);
      logEvent('info', 'account_deleted', { user_id: c.var.auth.userId, sessions_ended: sessionsEnded });
      return c.body(null, 204);
    },
  );
}
