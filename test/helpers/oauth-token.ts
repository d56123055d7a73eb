// Helpers for the token endpoint's tests: a signed-in user, a registered client, a code from /oauth2/authorize, raw token requests.

import * as oauth from 'oauth4webapi';
import { createTestClient, signUpVerified, type TestClient } from './client';
import { adminAccessToken, authorizationUrl, registerTestClient, signedInBrowser, type RegisteredClient } from './oauth-server';

export const REDIRECT = 'https://app.example.com/callback';

/** A user signed in at the browser, and a first-party client registered for REDIRECT. */
export interface TokenSetUp {
  client: TestClient;
  registered: RegisteredClient;
  cookie: string;
  userId: string;
  email: string;
}

/** Registers a client (metadata overrides the default: first-party, client_secret_post) and signs a verified user in. */
export async function setUpTokenTest(metadata: Record<string, unknown> = {}, client = createTestClient()): Promise<TokenSetUp> {
  const registered = await registerTestClient(client, await adminAccessToken(client), { redirect_uris: [REDIRECT], first_party: true, token_endpoint_auth_method: 'client_secret_post', ...metadata });
  const user = await signUpVerified(client);
  return { client, registered, cookie: await signedInBrowser(client, user.userId, user.sessionId), userId: user.userId, email: user.email };
}

/** Runs /oauth2/authorize for the set-up's client; answers the callback parameters, the code, verifier and nonce. */
export async function obtainCode(setUp: TokenSetUp, extra: Record<string, string> = {}) {
  const { url, codeVerifier, nonce, state } = await authorizationUrl(setUp.registered, extra);
  const response = await setUp.client.fetch(url.toString(), { headers: { Cookie: setUp.cookie } });
  const location = new URL(response.headers.get('Location') ?? '');
  const code = location.searchParams.get('code');
  if (code === null) throw new Error(`no code: ${location.toString()}`);
  return { location, code, codeVerifier, nonce, state };
}

/** POSTs a form to /oauth2/token, optionally with HTTP Basic credentials. */
export function postToken(client: TestClient, form: Record<string, string>, basic?: { id: string; secret: string }): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (basic) headers.Authorization = `Basic ${btoa(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`)}`;
  return client.fetch('/oauth2/token', { method: 'POST', headers, body: new URLSearchParams(form).toString() });
}

/** The form of a code redemption by client_secret_post. */
export function codeForm(setUp: TokenSetUp, code: string, codeVerifier: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: codeVerifier, client_id: setUp.registered.client_id,
    ...(setUp.registered.client_secret ? { client_secret: setUp.registered.client_secret } : {}), ...extra,
  };
}

export { oauth };
