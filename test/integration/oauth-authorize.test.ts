// GET /oauth2/authorize: PKCE S256 required, exact redirect URIs, errors redirected only once client and redirect check out, state and iss on every answer.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { hashCode } from '../../src/oauth-server/code-rows';
import { databaseForKey } from '../../src/storage/database';
import { createTestClient, signUpVerified, type TestClient } from '../helpers/client';
import { TEST_ISSUER, adminAccessToken, authorizationUrl, registerTestClient, signedInBrowser, type RegisteredClient } from '../helpers/oauth-server';

const REDIRECT = 'https://app.example.com/callback';

async function setUp(metadata: Record<string, unknown> = {}): Promise<{ client: TestClient; registered: RegisteredClient; cookie: string; userId: string }> {
  const client = createTestClient();
  const registered = await registerTestClient(client, await adminAccessToken(client), { redirect_uris: [REDIRECT], first_party: true, ...metadata });
  const user = await signUpVerified(client);
  return { client, registered, cookie: await signedInBrowser(client, user.userId, user.sessionId), userId: user.userId };
}

function locationOf(response: Response): URL {
  expect(response.status).toBe(302);
  return new URL(response.headers.get('Location') ?? '', 'https://auth.example.test');
}

describe('GET /oauth2/authorize', () => {
  it('answers a signed-in browser with a code, the state and iss, which oauth4webapi accepts', async () => {
    const { client, registered, cookie, userId } = await setUp();
    const { url, state, codeVerifier } = await authorizationUrl(registered);
    const location = locationOf(await client.fetch(url.toString(), { headers: { Cookie: cookie } }));
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    const as = { issuer: TEST_ISSUER.origin, authorization_response_iss_parameter_supported: true } as oauth.AuthorizationServer;
    const params = oauth.validateAuthResponse(as, { client_id: registered.client_id }, location, state);
    const code = params.get('code')!;
    expect(code.startsWith(`${userId.slice(0, 3)}`)).toBe(true);
    const row = await databaseForKey(client.env, userId).prepare('SELECT client_id, redirect_uri, code_challenge, scope, expires_at FROM oauth_codes WHERE code_hash = ?1').bind(await hashCode(code)).first<Record<string, unknown>>();
    expect(row).toMatchObject({ client_id: registered.client_id, redirect_uri: REDIRECT, code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier), scope: 'openid email' });
  });

  it('sends a browser that is not signed in to the hosted sign-in page, coming back to the same request', async () => {
    const { client, registered } = await setUp();
    const { url } = await authorizationUrl(registered);
    const location = locationOf(await client.fetch(url.toString()));
    expect(location.pathname).toBe('/sign-in');
    expect(location.searchParams.get('return_to')).toBe(`${url.pathname}${url.search}`);
  });

  it('asks a signed-in browser to sign in again for prompt=login, without prompt=login in the way back', async () => {
    const { client, registered, cookie } = await setUp();
    const { url } = await authorizationUrl(registered, { prompt: 'login' });
    const location = locationOf(await client.fetch(url.toString(), { headers: { Cookie: cookie } }));
    expect(location.pathname).toBe('/sign-in');
    expect(new URL(location.searchParams.get('return_to')!, 'https://x.test').searchParams.has('prompt')).toBe(false);
  });

  it('asks again when the sign-in is older than max_age', async () => {
    const { client, registered, cookie } = await setUp();
    client.clock.advanceSeconds(120);
    const { url } = await authorizationUrl(registered, { max_age: '60' });
    expect(locationOf(await client.fetch(url.toString(), { headers: { Cookie: cookie } })).pathname).toBe('/sign-in');
    const fresh = await authorizationUrl(registered, { max_age: '600' });
    expect(locationOf(await client.fetch(fresh.url.toString(), { headers: { Cookie: cookie } })).searchParams.has('code')).toBe(true);
  });

  it('answers prompt=none without a sign-in with login_required at the redirect URI', async () => {
    const { client, registered } = await setUp();
    const { url, state } = await authorizationUrl(registered, { prompt: 'none' });
    const location = locationOf(await client.fetch(url.toString()));
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(TEST_ISSUER.origin);
  });

  it.each([
    ['no PKCE challenge', { code_challenge: '' }, 'invalid_request'],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no PKCE method', { code_challenge_method: '' }, 'invalid_request'],
    ['a challenge that is no SHA-256', { code_challenge: 'short' }, 'invalid_request'],
    ['the implicit flow', { response_type: 'token' }, 'unsupported_response_type'],
    ['a scope the client was not given', { scope: 'openid notes:read' }, 'invalid_scope'],
    ['an unknown resource', { resource: 'https://elsewhere.example.com' }, 'invalid_target'],
    ['an unknown prompt', { prompt: 'select_account' }, 'invalid_request'],
  ])('redirects %s back with %s, state and iss', async (_case, extra, error) => {
    const { client, registered, cookie } = await setUp();
    const { url, state } = await authorizationUrl(registered, extra);
    for (const [name, value] of Object.entries(extra)) if (value === '') url.searchParams.delete(name);
    const location = locationOf(await client.fetch(url.toString(), { headers: { Cookie: cookie } }));
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(TEST_ISSUER.origin);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it.each([
    ['an unknown client', (url: URL) => url.searchParams.set('client_id', '00.unknown')],
    ['no redirect_uri', (url: URL) => url.searchParams.delete('redirect_uri')],
    ['another path', (url: URL) => url.searchParams.set('redirect_uri', 'https://app.example.com/callback/other')],
    ['an added query', (url: URL) => url.searchParams.set('redirect_uri', `${REDIRECT}?x=1`)],
    ['another port', (url: URL) => url.searchParams.set('redirect_uri', 'https://app.example.com:8443/callback')],
    ['a repeated client_id', (url: URL) => url.searchParams.append('client_id', 'another')],
  ])('never redirects for %s: it answers 400 itself', async (_case, change) => {
    const { client, registered, cookie } = await setUp();
    const { url } = await authorizationUrl(registered);
    change(url);
    const response = await client.fetch(url.toString(), { headers: { Cookie: cookie } });
    expect(response.status).toBe(400);
    expect(response.headers.get('Location')).toBeNull();
  });

  it("lets a native client's loopback redirect use any port, and a web client's only the registered one", async () => {
    const native = await setUp({ application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback'] });
    const { url } = await authorizationUrl(native.registered, { redirect_uri: 'http://127.0.0.1:53117/callback' });
    const location = locationOf(await native.client.fetch(url.toString(), { headers: { Cookie: native.cookie } }));
    expect(location.origin).toBe('http://127.0.0.1:53117');
    expect(location.searchParams.has('code')).toBe(true);
    const other = await authorizationUrl(native.registered, { redirect_uri: 'http://127.0.0.1:53117/elsewhere' });
    expect((await native.client.fetch(other.url.toString(), { headers: { Cookie: native.cookie } })).status).toBe(400);
  });

  it('does not hand a third-party client a code without consent (consent_required until the consent page exists)', async () => {
    const { client, registered, cookie } = await setUp({ first_party: false });
    const { url, state } = await authorizationUrl(registered);
    const location = locationOf(await client.fetch(url.toString(), { headers: { Cookie: cookie } }));
    expect(location.searchParams.get('error')).toBe('consent_required');
    expect(location.searchParams.get('state')).toBe(state);
  });

  it('keeps one grant per user and client across codes', async () => {
    const { client, registered, cookie, userId } = await setUp();
    for (const scope of ['openid', 'openid email']) {
      const { url } = await authorizationUrl(registered, { scope });
      expect(locationOf(await client.fetch(url.toString(), { headers: { Cookie: cookie } })).searchParams.has('code')).toBe(true);
    }
    const { results } = await databaseForKey(client.env, userId).prepare('SELECT scopes FROM oauth_grants WHERE user_id = ?1').bind(userId).all<{ scopes: string }>();
    expect(results).toEqual([{ scopes: 'openid email' }]);
  });
});
