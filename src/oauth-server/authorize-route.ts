// GET /oauth2/authorize: the authorization code flow with PKCE S256, reading the browser's sign-in state.

import type { Context, Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { defineRoute } from '../http/define-route';
import { readSignInState, type SignInState } from '../sessions/sign-in-state';
import { issuerFor } from '../tokens/issuer';
import { RedirectedError, readAuthorizeRequest, readAuthorizeTarget, type AuthorizeRequest, type AuthorizeTarget } from './authorize-request';
import { findLiveGrant, issueCode } from './code-rows';
import { databaseForKey } from '../storage/database';

/** A 302 to the client's redirect URI with these parameters, plus `state` and `iss` (RFC 9207) on every answer. */
function redirectToClient(c: Context<AppEnv>, target: AuthorizeTarget, parameters: Record<string, string>): Response {
  const location = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(parameters)) location.searchParams.set(name, value);
  if (target.state !== undefined) location.searchParams.set('state', target.state);
  location.searchParams.set('iss', issuerFor(c.var.config, c.req.raw));
  return c.body(null, 302, { Location: location.toString(), 'Cache-Control': 'no-store' });
}

/** The hosted sign-in page, coming back to this request (without prompt=login, which the new sign-in satisfies). */
function redirectToSignIn(c: Context<AppEnv>, url: URL): Response {
  const back = new URL(url);
  const prompt = (back.searchParams.get('prompt') ?? '').split(' ').filter((value) => value !== '' && value !== 'login');
  if (prompt.length === 0) back.searchParams.delete('prompt');
  else back.searchParams.set('prompt', prompt.join(' '));
  const returnTo = `${back.pathname}${back.search}`;
  return c.body(null, 302, { Location: `/sign-in?return_to=${encodeURIComponent(returnTo)}`, 'Cache-Control': 'no-store' });
}

/** Whether the browser must sign in (again) before this request is answered. */
function needsSignIn(request: AuthorizeRequest, state: SignInState | null, nowSeconds: number): boolean {
  if (state === null || request.prompt.has('login')) return true;
  return request.maxAgeSeconds !== undefined && nowSeconds - state.authTimeSeconds > request.maxAgeSeconds;
}

async function authorize(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const target = await readAuthorizeTarget(c.env, url);
  try {
    const request = readAuthorizeRequest(target, url, c.var.config.oauthServer.resources);
    const state = await readSignInState(c.env, c.var.config.keyEncryptionSecret, c.req.header('Cookie') ?? null, c.var.nowSeconds);
    if (needsSignIn(request, state, c.var.nowSeconds)) {
      if (request.prompt.has('none')) throw new RedirectedError('login_required', 'The browser is not signed in.');
      return redirectToSignIn(c, url);
    }
    const signedIn = state!;
    if (!request.client.firstParty) {
      const grant = await findLiveGrant(databaseForKey(c.env, signedIn.userId), signedIn.userId, request.client.clientId);
      const covered = grant !== null && request.scopes.every((scope) => grant.scopes.includes(scope));
      // The consent page is not built yet: a third-party client without a covering grant is told consent is required.
      if (!covered || request.prompt.has('consent')) throw new RedirectedError('consent_required', 'The user has not consented to this client.');
    }
    const code = await issueCode(
      c.env,
      {
        userId: signedIn.userId, clientId: request.client.clientId, redirectUri: request.redirectUri, codeChallenge: request.codeChallenge,
        nonce: request.nonce, resource: request.resource, scopes: request.scopes, authTimeSeconds: signedIn.authTimeSeconds, amr: signedIn.amr,
      },
      c.var.nowSeconds,
    );
    return redirectToClient(c, target, { code });
  } catch (error) {
    if (error instanceof RedirectedError) return redirectToClient(c, target, { error: error.error, error_description: error.description });
    throw error;
  }
}

/** Adds GET /oauth2/authorize. */
export function addAuthorizeRoute(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/oauth2/authorize', tag: 'Authorization server', auth: 'none',
      summary: 'Authorization code flow (PKCE S256 required); reads the browser\'s sign-in state and answers with a redirect.',
      query: {
        response_type: '"code".', client_id: 'A registered client.', redirect_uri: 'Exactly as registered (a native client\'s loopback redirect: any port).',
        code_challenge: 'BASE64URL(SHA-256(code_verifier)).', code_challenge_method: '"S256".', scope: 'openid profile email offline_access and the OAUTH_RESOURCES scopes.',
        state: 'Echoed back.', nonce: 'Put in the ID token.', resource: 'An OAUTH_RESOURCES URL (RFC 8707).', prompt: 'none, login or consent.', max_age: 'Seconds since sign-in.',
      },
      responses: {
        302: { description: 'To redirect_uri with code, state and iss (or error, error_description, state, iss); or, not signed in, to /sign-in?return_to=….', requiredHeaders: ['Location'] },
        400: 'invalid_request: unknown client, or a redirect_uri it did not register (never redirected).',
      },
    },
    authorize,
  );
}
