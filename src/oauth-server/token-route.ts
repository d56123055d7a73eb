// POST /oauth2/token: the authorization_code grant (code once, bound to the client, redirect URI and PKCE verifier); refresh and other grants are not built yet.

import type { Context, Hono } from 'hono';
import { bytesToBase64Url, utf8 } from '../core/encoding';
import type { AppEnv } from '../http/app-env';
import { defineRoute } from '../http/define-route';
import { flagEndedSessions } from '../sessions/revoke';
import { databaseForKey } from '../storage/database';
import { signAccessToken, signIdToken } from '../tokens/access';
import { issuerFor } from '../tokens/issuer';
import { redeemCode, type RedeemedCode } from './code-redeem';
import type { ClientRecord } from './client-rows';
import { revokeGrant } from './grant-rows';
import { tokenErrorBody, tokenResponseBody } from './responses';
import { authenticateClient } from './token-client-auth';
import { TokenError, tokenErrorResponse } from './token-errors';

const FORM_TYPE = 'application/x-www-form-urlencoded';
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The form body; another media type or a repeated parameter is invalid_request (RFC 6749 section 3.2). */
async function readForm(c: Context<AppEnv>): Promise<URLSearchParams> {
  const type = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== FORM_TYPE) throw new TokenError('invalid_request', `Send the body as ${FORM_TYPE}.`);
  const form = new URLSearchParams(await c.req.text());
  const names = [...form.keys()];
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new TokenError('invalid_request', `The parameter ${repeated} is repeated.`);
  return form;
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value === '') throw new TokenError('invalid_request', `The parameter ${name} is missing.`);
  return value;
}

/** BASE64URL(SHA-256(verifier)) must be the challenge the code was issued for (RFC 7636, S256 only). */
async function checkVerifier(verifier: string, challenge: string): Promise<void> {
  if (!VERIFIER.test(verifier)) throw new TokenError('invalid_grant', 'The code_verifier is malformed.');
  const computed = bytesToBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(verifier))));
  if (computed !== challenge) throw new TokenError('invalid_grant', 'The code_verifier does not match the code challenge.');
}

/** Redeems the code: single use, and a reuse ends the grant and every token it issued (KV flag on the grant id). */
async function redeem(c: Context<AppEnv>, client: ClientRecord, form: URLSearchParams): Promise<RedeemedCode> {
  const code = required(form, 'code');
  const redirectUri = required(form, 'redirect_uri');
  const verifier = required(form, 'code_verifier');
  const redemption = await redeemCode(c.env, code);
  if (redemption.kind === 'reused') {
    await revokeGrant(databaseForKey(c.env, redemption.userId), redemption.userId, redemption.grantId, c.var.nowSeconds);
    await flagEndedSessions(c.env, [redemption.grantId], c.var.nowSeconds);
    throw new TokenError('invalid_grant', 'The code was already used; the grant it belongs to is revoked.');
  }
  if (redemption.kind === 'unknown') throw new TokenError('invalid_grant', 'The code is unknown or expired.');
  const redeemed = redemption.code;
  if (redeemed.clientId !== client.clientId) throw new TokenError('invalid_grant', 'The code was issued to another client.');
  if (redeemed.expiresAt <= c.var.nowSeconds) throw new TokenError('invalid_grant', 'The code has expired.');
  if (redeemed.redirectUri !== redirectUri) throw new TokenError('invalid_grant', 'The redirect_uri is not the one the code was issued for.');
  await checkVerifier(verifier, redeemed.codeChallenge);
  const resource = form.get('resource');
  if (resource !== null && resource !== redeemed.resource) throw new TokenError('invalid_target', 'The resource is not the one the code was issued for.');
  return redeemed;
}

async function issueTokens(c: Context<AppEnv>, client: ClientRecord, code: RedeemedCode): Promise<Response> {
  const config = c.var.config;
  const issuer = issuerFor(config, c.req.raw);
  const scope = code.scopes.join(' ');
  const ttl = config.accessTokenTtlSeconds;
  const { token } = await signAccessToken(
    { userId: code.userId, sessionId: code.grantId, email: '', roles: [], authTime: code.authTime, amr: code.amr, client: { clientId: client.clientId, scope } },
    { keys: config.signingKeys, issuer, audience: code.resource ?? config.audience, nowSeconds: c.var.nowSeconds },
    ttl,
  );
  const body: Record<string, unknown> = { access_token: token, token_type: 'Bearer', expires_in: ttl, scope };
  if (code.scopes.includes('openid')) {
    const withEmail = code.scopes.includes('email') && code.email !== null;
    body.id_token = await signIdToken(
      {
        userId: code.userId, clientId: client.clientId, authTime: code.authTime, amr: code.amr, sid: code.grantId,
        ...(code.nonce === null ? {} : { nonce: code.nonce }),
        ...(withEmail ? { email: code.email!, emailVerified: code.emailVerified } : {}),
      },
      { keys: config.signingKeys, issuer, nowSeconds: c.var.nowSeconds },
      ttl,
    );
  }
  return c.json(body, 200, { 'Cache-Control': 'no-store' });
}

async function token(c: Context<AppEnv>): Promise<Response> {
  try {
    const form = await readForm(c);
    const grantType = required(form, 'grant_type');
    if (grantType !== 'authorization_code') throw new TokenError('unsupported_grant_type', 'Only the authorization_code grant is served.');
    const client = await authenticateClient(c.env, c.req.header('Authorization') ?? null, form);
    if (!client.grantTypes.includes('authorization_code')) throw new TokenError('unauthorized_client', 'This client may not use the authorization_code grant.');
    return await issueTokens(c, client, await redeem(c, client, form));
  } catch (error) {
    if (error instanceof TokenError) return tokenErrorResponse(c, error);
    throw error;
  }
}

/** Adds POST /oauth2/token. */
export function addTokenRoute(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'POST', path: '/oauth2/token', tag: 'Authorization server', auth: 'none',
      summary:
        'Token endpoint (RFC 6749), authorization_code grant only. Form body (application/x-www-form-urlencoded): grant_type=authorization_code, code, redirect_uri, code_verifier, optional resource; client_id and client_secret for client_secret_post, client_id alone for a public client, or HTTP Basic for client_secret_basic.',
      responses: {
        200: { description: 'The tokens (id_token with the openid scope); never cached.', body: tokenResponseBody },
        400: {
          description: 'invalid_request, invalid_grant (unknown, expired, reused, another client\'s code, wrong redirect_uri or verifier), unsupported_grant_type, unauthorized_client, invalid_target.',
          body: tokenErrorBody,
        },
        401: { description: 'invalid_client (WWW-Authenticate: Basic when Basic was used).', body: tokenErrorBody, headers: ['WWW-Authenticate'] },
      },
    },
    token,
  );
}
