// Routes for the TOTP second factor: setup, enable, disable, and the second step of a password sign-in.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { completeMfaSignIn } from './mfa-login';
import type { SecondFactorContext } from './second-factor';
import { requireProof } from '../proof/proof';
import { lockoutPolicyFor } from '../password/throttle';
import { respondWithTokens } from '../sessions/token-response';
import { disableTotp, enableTotp, setUpTotp } from './factor';
import { readJsonBody } from '../http/body';
import { defineRoute } from '../http/define-route';
import { parseWithSchema } from '../http/schema';
import { logAuthEvent, logEvent } from '../core/log';
import { limitPerIp } from '../http/ip-rate-limit';
import { requireAuth } from '../sessions/require-auth';
import { mfaLoginBody, parseMfaLoginBody, secondFactorFrom, totpDisableBody, totpEnableBody } from './schemas';
import { PROOF_RESPONSES, proofContextFor } from '../proof/proof-context';
import { parseProofBody, totpSetupBody } from '../proof/proof-schemas';
import { recoveryCodesResponse, totpSetupResponse, type RecoveryCodesResponse, type TotpSetupResponse } from './responses';
import { tokenResponse } from '../sessions/responses';
import { securityNoticesFor } from '../account/notice-context';

const TAG = 'Second factor';

function secondFactorContext(c: Context<AppEnv>): SecondFactorContext {
  const config = c.var.config;
  return { env: c.env, nowSeconds: c.var.nowSeconds, lockout: lockoutPolicyFor(config), client: readClientInfo(c.req.raw), encryptionSecret: config.keyEncryptionSecret, notices: securityNoticesFor(c) };
}

/** Adds the TOTP routes to the app. */
export function addMfaRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/mfa/totp/setup', tag: TAG, auth: 'bearer', body: totpSetupBody, bodyOptional: true,
      summary: 'Start TOTP, with a proof in the same request (the password; without one, a passkey assertion): a new secret, pending until a first code enables it.',
      responses: {
        200: { description: 'The secret and its otpauth:// URI (show it as a QR code).', body: totpSetupResponse },
        ...PROOF_RESPONSES,
        403: `email_not_verified: verify the address before adding a second factor (answered first); or ${PROOF_RESPONSES[403]}`,
        409: 'totp_already_enabled: turn TOTP off first.',
      },
    },
    requireAuth(),
    async (c) => {
      const proof = parseProofBody(totpSetupBody, await readJsonBody(c.req.raw, { optional: true }));
      await requireProof(proofContextFor(c), c.var.auth, 'totp_set_up', proof);
      const setup = await setUpTotp(secondFactorContext(c), c.var.auth, c.var.config.webauthn.rpName);
      const body: TotpSetupResponse = { secret: setup.secret, otpauth_uri: setup.otpauthUri };
      return c.json(body, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/mfa/totp/enable', tag: TAG, auth: 'bearer', body: totpEnableBody,
      summary: 'Turn TOTP on with a first code from the app; answers the ten recovery codes, once.',
      responses: {
        200: { description: 'The recovery codes.', body: recoveryCodesResponse },
        400: 'invalid_mfa_code (wrong code, or no set-up started) or invalid_request.',
        401: 'invalid_token.',
        409: 'totp_already_enabled.',
      },
    },
    requireAuth(),
    async (c) => {
      const input = parseWithSchema(totpEnableBody, await readJsonBody(c.req.raw));
      const codes = await enableTotp(secondFactorContext(c), c.var.auth, input.code);
      logEvent('info', 'totp_enabled', { user_id: c.var.auth.userId, sid: c.var.auth.sessionId });
      const body: RecoveryCodesResponse = { recovery_codes: codes };
      return c.json(body, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/mfa/totp/disable', tag: TAG, auth: 'bearer', body: totpDisableBody,
      summary: 'Turn TOTP off with a current code or a recovery code: the code is the proof, no recent sign-in is needed.',
      responses: {
        204: 'TOTP is off; the secret and the recovery codes are deleted.',
        400: 'invalid_request (send exactly one of code and recovery_code).',
        401: 'invalid_mfa_code (counts towards the account lockout) or invalid_token.',
        404: 'not_found: TOTP is not on.',
        429: 'too_many_attempts: the account is locked.',
      },
    },
    requireAuth(),
    async (c) => {
      const factor = secondFactorFrom(parseWithSchema(totpDisableBody, await readJsonBody(c.req.raw)));
      await disableTotp(secondFactorContext(c), c.var.auth, factor);
      logEvent('info', 'totp_disabled', { user_id: c.var.auth.userId, sid: c.var.auth.sessionId });
      return c.body(null, 204);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/login/mfa', tag: TAG, auth: 'none', body: mfaLoginBody,
      summary: 'Finish a sign-in that stopped at the second step (a password\'s 403 mfa_required, or a provider callback\'s #error=mfa_required&mfa_token=…): the mfa_token and a TOTP or recovery code.',
      responses: {
        200: { description: 'Same as login (amr pwd, otp, mfa; or pwd, mfa with a recovery code; fed instead of pwd after a provider, whose first-time link is written now).', body: tokenResponse, headers: ['Set-Cookie'] },
        400: 'invalid_request.',
        401: 'invalid_mfa_code (counts towards the account lockout) or invalid_mfa_token (unknown, expired, used, or out of its 5 codes).',
        403: 'email_not_verified: the address is unverified and REQUIRE_EMAIL_VERIFICATION=true.',
        429: 'too_many_attempts: the account is locked, or the per-IP limit is reached.',
      },
    },
    limitPerIp('auth'),
    async (c) => {
      const input = parseMfaLoginBody(await readJsonBody(c.req.raw));
      const config = c.var.config;
      const context = { ...secondFactorContext(c), refreshTokenTtlSeconds: config.refreshTokenTtlSeconds, requireEmailVerification: config.account.requireEmailVerification };
      const session = await completeMfaSignIn(context, input.mfaToken, input.factor);
      logAuthEvent('login_succeeded', { user_id: session.userId, sid: session.sessionId, channel: input.tokenDelivery, ip: context.client.ip });
      return respondWithTokens(c, session, input.tokenDelivery);
    },
  );
}
