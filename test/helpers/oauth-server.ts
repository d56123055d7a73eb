// Helpers for the authorization server's tests: an admin's access token, a registered client, oauth4webapi over the test client.

import * as oauth from 'oauth4webapi';
import { signInStateCookie } from '../../src/sessions/sign-in-state';
import { databaseForKey } from '../../src/storage/database';
import { BASE_URL, sendWithBearer, signUpVerified, type TestClient } from './client';

/** Signs up a verified user, gives them the admin role and answers a fresh access token carrying it. */
export async function adminAccessToken(client: TestClient): Promise<string> {
  const admin = await signUpVerified(client);
  await databaseForKey(client.env, admin.userId).prepare('UPDATE users SET roles = ?2 WHERE id = ?1').bind(admin.userId, JSON.stringify(['admin'])).run();
  const login = await client.postJson('/auth/login', { email: admin.email, password: admin.password, token_delivery: 'body' });
  return ((await login.json()) as { access_token: string }).access_token;
}

/** A registered client as POST /admin/oauth/clients answers it. */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  grant_types: string[];
  token_endpoint_auth_method: string;
  application_type: 'web' | 'native';
  first_party: boolean;
  scope: string;
}

/** Registers a client through the admin API; throws unless it answers 201. */
export async function registerTestClient(client: TestClient, adminToken: string, metadata: Record<string, unknown>): Promise<RegisteredClient> {
  const response = await sendWithBearer(client, 'POST', '/admin/oauth/clients', adminToken, metadata);
  if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as RegisteredClient;
}

/** oauth4webapi's options that send its requests to the app under test. */
export function viaTestClient(client: TestClient): { [oauth.customFetch]: typeof fetch } {
  const customFetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return client.fetch(request.url, { method: request.method, headers: request.headers, body: init?.body, redirect: 'manual' });
  }) as typeof fetch;
  return { [oauth.customFetch]: customFetch };
}

/** The issuer the tests' app uses (the request origin of a local run). */
export const TEST_ISSUER = new URL(BASE_URL);

/** The Cookie header of a browser signed in as this session (the sign-in state cookie the hosted page sets). */
export async function signedInBrowser(client: TestClient, userId: string, sessionId: string): Promise<string> {
  const secret = (client.env as unknown as { KEY_ENCRYPTION_SECRET: string }).KEY_ENCRYPTION_SECRET;
  return (await signInStateCookie(secret, userId, sessionId, 3600)).split(';')[0]!;
}

/** An authorization URL as oauth4webapi's users build it: PKCE S256, state and nonce. */
export async function authorizationUrl(registered: RegisteredClient, extra: Record<string, string> = {}) {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL('/oauth2/authorize', BASE_URL);
  const parameters = {
    response_type: 'code', client_id: registered.client_id, redirect_uri: registered.redirect_uris[0]!, scope: 'openid email',
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256', state, nonce, ...extra,
  };
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return { url, codeVerifier, state, nonce };
}
