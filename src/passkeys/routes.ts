// Routes for passkeys: registration options and registration, the list, removal, sign-in options and sign-in.

import type { Context, Hono } from 'hono';
import { isoFromSeconds } from '../core/time';
import type { AppEnv } from '../http/app-env';
import { readClientInfo } from '../http/client-info';
import { loginWithPasskey, startPasskeyLogin } from './sign-in';
import { finishPasskeyRegistration, relyingPartyFor, removePasskey, startPasskeyRegistration, type PasskeyContext } from './management';
import { requireProof } from '../proof/proof';
import { respondWithTokens } from '../sessions/token-response';
import { readJsonBody } from '../http/body';
import { defineRoute } from '../http/define-route';
import { logAuthEvent, logEvent } from '../core/log';
import { limitPerIp } from '../http/ip-rate-limit';
import { requireAuth } from '../sessions/require-auth';
import { listPasskeys } from './passkey-rows';
import { databaseForKey } from '../storage/database';
import { parsePasskeyLoginBody, parsePasskeyRegistrationBody, passkeyLoginBody, passkeyRegistrationBody } from './schemas';
import { PROOF_RESPONSES, proofContextFor } from '../proof/proof-context';
import { parseProofBody, passkeyRegistrationOptionsBody, passkeyRemovalBody } from '../proof/proof-schemas';
import { loginOptionsResponse, passkeyCreatedResponse, passkeysResponse, registrationOptionsResponse, type PasskeyCreatedResponse, type PasskeysResponse } from './responses';
import { tokenResponse } from '../sessions/responses';
import { securityNoticesFor } from '../account/notice-context';

const TAG = 'Passkeys';

function passkeyContext(c: Context<AppEnv>): PasskeyContext {
  return { env: c.env, nowSeconds: c.var.nowSeconds, rp: relyingPartyFor(c.var.config, c.req.raw), client: readClientInfo(c.req.raw), notices: securityNoticesFor(c) };
}

const isoTime = isoFromSeconds;

/** Adds the passkey routes to the app. */
export function addPasskeyRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/passkeys/registration-options', tag: TAG, auth: 'bearer', body: passkeyRegistrationOptionsBody, bodyOptional: true,
      summary:
        'Start adding a passkey, with a proof in the same request (the password; without one, a TOTP code or a passkey assertion): creation options with a challenge that works once within 5 minutes and binds the registration.',
      responses: {
        200: { description: 'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create().', body: registrationOptionsResponse },
        ...PROOF_RESPONSES,
        403: `email_not_verified: verify the address before adding a way to sign in (answered first); or ${PROOF_RESPONSES[403]}`,
      },
    },
    requireAuth(),
    async (c) => {
      const proof = parseProofBody(passkeyRegistrationOptionsBody, await readJsonBody(c.req.raw, { optional: true }));
      await requireProof(proofContextFor(c), c.var.auth, 'passkey_add', proof);
      const options = await startPasskeyRegistration(passkeyContext(c), { id: c.var.auth.userId, email: c.var.auth.email });
      return c.json({ options }, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/passkeys', tag: TAG, auth: 'bearer', body: passkeyRegistrationBody,
      summary: 'Register a passkey from the browser\'s RegistrationResponseJSON (attestation "none", user verification required).',
      responses: {
        201: { description: 'The new passkey.', body: passkeyCreatedResponse },
        400: 'invalid_passkey (a challenge that is used, expired or not this user\'s, a wrong origin or RP ID, no user verification, an unsupported key) or invalid_request.',
        401: 'invalid_token.',
      },
    },
    requireAuth(),
    async (c) => {
      const input = parsePasskeyRegistrationBody(await readJsonBody(c.req.raw));
      const passkey = await finishPasskeyRegistration(passkeyContext(c), c.var.auth.userId, input.credential, input.name);
      logEvent('info', 'passkey_added', { user_id: c.var.auth.userId, sid: c.var.auth.sessionId });
      const body: PasskeyCreatedResponse = { passkey: { id: passkey.credentialId, name: passkey.name, created_at: isoTime(passkey.createdAt) } };
      return c.json(body, 201);
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/auth/passkeys', tag: TAG, auth: 'bearer',
      summary: 'The passkeys of the signed-in user, oldest first.',
      responses: { 200: { description: 'The passkeys.', body: passkeysResponse }, 401: 'invalid_token.' },
    },
    requireAuth(),
    async (c) => {
      const passkeys = await listPasskeys(databaseForKey(c.env, c.var.auth.userId), c.var.auth.userId);
      const body: PasskeysResponse = {
        passkeys: passkeys.map((passkey) => ({
          id: passkey.credentialId,
          name: passkey.name,
          created_at: isoTime(passkey.createdAt),
          last_used_at: passkey.lastUsedAt === null ? null : isoTime(passkey.lastUsedAt),
        })),
      };
      return c.json(body, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/passkeys/login-options', tag: TAG, auth: 'none',
      summary: 'Start a passkey sign-in: request options with a challenge that works once within 5 minutes.',
      responses: {
        200: { description: 'PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get().', body: loginOptionsResponse },
        429: 'too_many_attempts (per-IP limit).',
      },
    },
    limitPerIp('auth'),
    async (c) => {
      const options = await startPasskeyLogin(passkeyContext(c));
      return c.json({ options }, 200);
    },
  );

  defineRoute(
    app,
    {
      method: 'POST', path: '/auth/passkeys/login', tag: TAG, auth: 'none', body: passkeyLoginBody,
      summary: 'Sign in with a passkey (AuthenticationResponseJSON); opens a session like a password login.',
      responses: {
        200: { description: 'Access token (amr hwk or swk, and user); refresh token in an HttpOnly cookie, or in the body with token_delivery "body".', body: tokenResponse, headers: ['Set-Cookie'] },
        400: 'invalid_request.',
        401: 'invalid_credentials: the assertion, its challenge or its passkey was not accepted.',
        403: 'email_not_verified: the address is unverified and REQUIRE_EMAIL_VERIFICATION=true. (TOTP does not stop a passkey: one with user verification is two factors.)',
        429: 'too_many_attempts (per-IP limit).',
      },
    },
    limitPerIp('auth'),
    async (c) => {
      const input = parsePasskeyLoginBody(await readJsonBody(c.req.raw));
      const context = passkeyContext(c);
      const config = c.var.config;
      const session = await loginWithPasskey({ ...context, refreshTokenTtlSeconds: config.refreshTokenTtlSeconds, requireEmailVerification: config.account.requireEmailVerification }, input.credential);
      const channel = input.token_delivery ?? 'cookie';
      logAuthEvent('login_succeeded', { user_id: session.userId, sid: session.sessionId, channel, ip: context.client.ip });
      return respondWithTokens(c, session, channel);
    },
  );

  // Last: its path template would also match the literal paths above in a document-order lookup.
  defineRoute(
    app,
    {
      method: 'DELETE', path: '/auth/passkeys/:id', tag: TAG, auth: 'bearer', body: passkeyRemovalBody, bodyOptional: true,
      summary: 'Remove a passkey, with a proof in the same request (JSON body); refused when it is the account\'s last way to sign in.',
      responses: {
        204: 'Removed.',
        ...PROOF_RESPONSES,
        404: 'not_found: no such passkey on this account.',
        409: 'last_sign_in_method: the account has no password, no other passkey and no linked identity.',
      },
    },
    requireAuth(),
    async (c) => {
      const proof = parseProofBody(passkeyRemovalBody, await readJsonBody(c.req.raw, { optional: true }));
      await requireProof(proofContextFor(c), c.var.auth, 'passkey_remove', proof);
      await removePasskey(passkeyContext(c), c.var.auth.userId, c.req.param('id') ?? '');
      logEvent('info', 'passkey_removed', { user_id: c.var.auth.userId, sid: c.var.auth.sessionId });
      return c.body(null, 204);
    },
  );
}
