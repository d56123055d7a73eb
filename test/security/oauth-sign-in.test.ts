// Sign-in with another provider against a real OpenID Provider (oidc-provider on loopback), through its own login and
// consent pages: state, browser binding, PKCE, nonce, ID-token checks, the provider's errors and the linking rules.
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_SHARD } from '../../src/core/ids';
import { databaseForKey, databaseForShard } from '../../src/storage/database';
import { createTestClock, getMe, signUpAndLogIn, uniqueEmail, type TestClient } from '../helpers/client';
import { decodeToken } from '../helpers/forge';
import {
  APP_URL,
  OAUTH_BINDING_COOKIE_NAME,
  createOAuthTestClient,
  errorOf,
  finishFlow,
  passProvider,
  providerLogin,
  providerSession,
  refreshTokenOf,
  signInWithProvider,
  startFlow,
} from '../helpers/oidc-flow';

async function userIdOf(client: TestClient, accessToken: string): Promise<string> {
  const me = await getMe(client, accessToken);
  expect(me.status).toBe(200);
  return ((await me.json()) as { user: { id: string } }).user.id;
}

async function identityRows(client: TestClient, userId: string): Promise<{ provider: string; subject: string; email: string }[]> {
  const { results } = await databaseForKey(client.env, userId).prepare('SELECT provider, subject, email FROM identities WHERE user_id = ?1').bind(userId).all<{ provider: string; subject: string; email: string }>();
  return results;
}

async function flowCount(client: TestClient): Promise<number> {
  const row = await databaseForShard(client.env, DEFAULT_SHARD).prepare('SELECT COUNT(*) AS n FROM oauth_flows').first<{ n: number }>();
  return row?.n ?? 0;
}

function expectNoSession(response: Response): void {
  expect(response.status).toBe(302);
  expect(response.headers.getSetCookie().some((line) => line.startsWith('__Host-edge_auth_refresh='))).toBe(false);
  // The binding cookie is cleared whatever happened.
  expect(response.headers.getSetCookie()).toContain(`${OAUTH_BINDING_COOKIE_NAME}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0`);
}

describe('GET /auth/oauth/:provider', () => {
  it('sends the browser to the provider with state, PKCE S256 and a nonce, binding the flow to a __Host- cookie', async () => {
    const client = createOAuthTestClient();
    const { start } = await startFlow(client, 'local');
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('Location') ?? '');
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({ response_type: 'code', client_id: 'edge-auth-test', code_challenge_method: 'S256', redirect_uri: 'https://auth.example.test/auth/oauth/local/callback' });
    expect(params.scope?.split(' ')).toEqual(['openid', 'email', 'profile']);
    for (const name of ['state', 'nonce', 'code_challenge'] as const) expect(params[name]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [cookie] = start.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^${OAUTH_BINDING_COOKIE_NAME}=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=600$`));
    // D1 keeps the state and the binding only as hashes.
    const stored = await databaseForShard(client.env, DEFAULT_SHARD).prepare('SELECT * FROM oauth_flows').all<Record<string, unknown>>();
    const text = JSON.stringify(stored.results);
    expect(text).not.toContain(params.state);
    expect(text).not.toContain(cookie?.split(';')[0]?.split('=')[1]);
  });

  it('answers 404 for a provider that is not configured', async () => {
    const client = createOAuthTestClient();
    const response = await client.fetch(`/auth/oauth/nope?redirect_to=${encodeURIComponent(APP_URL)}`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe('not_found');
  });

  it.each([
    ['a foreign origin', 'https://evil.example/steal'],
    ['a look-alike host', 'https://auth.example.test.evil.example/'],
    ['another port', 'https://auth.example.test:8443/'],
    ['plain http of the same host', 'http://auth.example.test/'],
    ['a scheme-relative URL', '//evil.example/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a URL with user info', 'https://user@auth.example.test/'],
    ['a URL with a fragment', `${APP_URL}#x`],
  ])('refuses a redirect_to to %s with 400 invalid_request and stores nothing', async (_label, target) => {
    const client = createOAuthTestClient();
    const before = await flowCount(client);
    const response = await client.fetch(`/auth/oauth/local?redirect_to=${encodeURIComponent(target)}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    expect(await flowCount(client)).toBe(before);
  });

  it('refuses a missing or repeated redirect_to', async () => {
    const client = createOAuthTestClient();
    expect((await client.fetch('/auth/oauth/local', { redirect: 'manual' })).status).toBe(400);
    const twice = `redirect_to=${encodeURIComponent(APP_URL)}&redirect_to=${encodeURIComponent('https://evil.example/')}`;
    expect((await client.fetch(`/auth/oauth/local?${twice}`, { redirect: 'manual' })).status).toBe(400);
  });

  it('accepts any path on an ALLOWED_ORIGINS origin', async () => {
    const client = createOAuthTestClient({ vars: { ALLOWED_ORIGINS: 'https://app.example.test' } });
    const { start } = await startFlow(client, 'local', 'https://app.example.test/any/path?x=1');
    expect(start.status).toBe(302);
  });

  it('sends the browser back with #error=provider_error when the provider cannot be discovered, storing nothing', async () => {
    const client = createOAuthTestClient({ vars: { OAUTH_PROVIDERS: JSON.stringify({ down: { issuer: `${inject('oidcIssuer')}/nothing-here`, client_id: 'x', client_secret: 'y' } }) } });
    const before = await flowCount(client);
    const { start } = await startFlow(client, 'down');
    expect(start.status).toBe(302);
    expect(start.headers.get('Location')).toBe(`${APP_URL}#error=provider_error`);
    expect(start.headers.getSetCookie()).toEqual([]);
    expect(await flowCount(client)).toBe(before);
  });
});

describe('GET /auth/oauth/:provider/callback: a good sign-in', () => {
  it('makes a verified account without a password, sets the refresh cookie and returns to redirect_to', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('verified');
    const { response } = await signInWithProvider(client, 'local', { login });
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe(APP_URL);
    const refreshCookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-edge_auth_refresh='));
    expect(refreshCookie).toMatch(/; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=2592000$/);

    const refreshed = await client.fetch('/auth/refresh', { method: 'POST', headers: { Cookie: `__Host-edge_auth_refresh=${refreshTokenOf(response)}` } });
    expect(refreshed.status).toBe(200);
    const { access_token: accessToken } = (await refreshed.json()) as { access_token: string };
    const claims = decodeToken(accessToken).payload;
    expect(claims.amr).toEqual(['fed']);
    expect(claims.email_verified).toBe(true);
    const userId = await userIdOf(client, accessToken);
    expect(await identityRows(client, userId)).toEqual([{ provider: 'local', subject: login, email: login }]);
    const user = await databaseForKey(client.env, userId).prepare('SELECT password_hash, email_verified FROM users WHERE id = ?1').bind(userId).first();
    expect(user).toEqual({ password_hash: '', email_verified: 1 });
    // No password signs in to it.
    expect((await client.postJson('/auth/login', { email: login, password: 'any password at all here' })).status).toBe(401);
  });

  it('signs in to the same account the second time, adding nothing', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('verified');
    const first = await providerSession(client, 'local', login);
    const second = await providerSession(client, 'local', login);
    const userId = await userIdOf(client, first.accessToken);
    expect(await userIdOf(client, second.accessToken)).toBe(userId);
    expect(decodeToken(second.accessToken).payload.sid).not.toBe(decodeToken(first.accessToken).payload.sid);
    expect(await identityRows(client, userId)).toHaveLength(1);
  });

  it('makes no account when the provider does not vouch for the address (#error=email_not_verified)', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('unverified');
    const { response } = await signInWithProvider(client, 'local', { login });
    expectNoSession(response);
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=email_not_verified`);
    expect(await databaseForShard(client.env, DEFAULT_SHARD).prepare('SELECT id FROM users WHERE email = ?1').bind(login).first()).toBeNull();
  });

  it('passes the tampering proxy when it changes nothing but the issuer (the control of the cases below)', async () => {
    const client = createOAuthTestClient();
    const { response } = await signInWithProvider(client, 'tamper-honest', { login: providerLogin() });
    expect(response.headers.get('Location')).toBe(APP_URL);
  });
});

describe('GET /auth/oauth/:provider/callback: state', () => {
  it('refuses a callback without state (invalid_state, to the service\'s own origin)', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    callback.searchParams.delete('state');
    const response = await finishFlow(client, flow, callback);
    expectNoSession(response);
    expect(response.headers.get('Location')).toBe('https://auth.example.test/#error=invalid_state');
  });

  it('refuses a state this service never issued', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    callback.searchParams.set('state', 'A'.repeat(43));
    const response = await finishFlow(client, flow, callback);
    expectNoSession(response);
    expect(errorOf(response)).toBe('invalid_state');
  });

  it('works once: the same callback replayed opens no second session', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    const cookies = flow.edgeAuth.header();
    expect((await finishFlow(client, flow, callback, cookies)).headers.get('Location')).toBe(APP_URL);
    const replay = await finishFlow(client, flow, callback, cookies);
    expectNoSession(replay);
    expect(errorOf(replay)).toBe('invalid_state');
  });

  it('works once under concurrency: two simultaneous callbacks open one session', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    const cookies = flow.edgeAuth.header();
    const answers = await Promise.all([finishFlow(client, flow, callback, cookies), finishFlow(client, flow, callback, cookies)]);
    expect(answers.map(errorOf).sort()).toEqual(['invalid_state', null]);
  });

  it('expires after 10 minutes', async () => {
    const clock = createTestClock();
    const client = createOAuthTestClient({ clock });
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    clock.advanceSeconds(601);
    const response = await finishFlow(client, flow, callback);
    expectNoSession(response);
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=invalid_state`);
  });

  it('is still good just before its 10 minutes are up', async () => {
    const clock = createTestClock();
    const client = createOAuthTestClient({ clock });
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    clock.advanceSeconds(590);
    expect((await finishFlow(client, flow, callback)).headers.get('Location')).toBe(APP_URL);
  });

  it('works only in the browser that started it: without its binding cookie the state is refused, and not burnt', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    const ownCookies = flow.edgeAuth.header();
    // Another browser (a login CSRF victim, or whoever read the URL) has no binding cookie, or its own.
    const elsewhere = await finishFlow(client, flow, callback, '');
    expectNoSession(elsewhere);
    expect(elsewhere.headers.get('Location')).toBe(`${APP_URL}#error=invalid_state`);
    const attacker = await startFlow(client, 'local');
    const withOtherCookie = await finishFlow(client, flow, callback, attacker.edgeAuth.header());
    expect(errorOf(withOtherCookie)).toBe('invalid_state');
    // The browser that started it still finishes.
    expect((await finishFlow(client, flow, callback, ownCookies)).headers.get('Location')).toBe(APP_URL);
  });

  it('belongs to the provider it was started for', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    const response = await finishFlow(client, flow, new URL(`${callback.href.replace('/auth/oauth/local/', '/auth/oauth/other/')}`));
    expect(errorOf(response)).toBe('invalid_state');
  });

  it('is removed by the scheduled cleanup once expired', async () => {
    const { deleteExpiredRows } = await import('../../src/storage/cleanup');
    const { CAPABILITIES } = await import('../../src/app');
    const sweeps = CAPABILITIES.flatMap((capability) => capability.sweeps ?? []);
    const clock = createTestClock();
    const client = createOAuthTestClient({ clock });
    await startFlow(client, 'local');
    const before = await flowCount(client);
    const report = await deleteExpiredRows(client.env, sweeps, Math.floor(clock.now() / 1000) + 601, { endedSessionRetentionSeconds: 1e9, eventRetentionSeconds: 1e9, failureRecordRetentionSeconds: 1e9, sealedSuccessorSeconds: 1e9 }, { batchSize: 100, maxBatchesPerTable: 100 });
    expect(report.oauthFlows).toBeGreaterThanOrEqual(1);
    expect(await flowCount(client)).toBeLessThan(before);
  });
});

describe('GET /auth/oauth/:provider/callback: the provider\'s answer', () => {
  it.each([
    ['a nonce that does not match the flow', 'tamper-nonce'],
    ['an ID token signed by another key (same kid)', 'tamper-key'],
    ['a wrong iss', 'tamper-iss'],
    ['a wrong aud', 'tamper-aud'],
    ['an expired ID token', 'tamper-expired'],
  ])('refuses %s with #error=provider_error and makes no account', async (_label, providerId) => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    const { response } = await signInWithProvider(client, providerId, { login });
    expectNoSession(response);
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=provider_error`);
    expect(await databaseForShard(client.env, DEFAULT_SHARD).prepare('SELECT id FROM users WHERE email = ?1').bind(login).first()).toBeNull();
  });

  it('refuses a callback whose iss parameter names another issuer (RFC 9207 mix-up)', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    expect(callback.searchParams.get('iss')).toMatch(/^http:\/\/127\.0\.0\.1:/);
    callback.searchParams.set('iss', 'https://evil.example');
    expect(errorOf(await finishFlow(client, flow, callback))).toBe('provider_error');
  });

  it('passes the provider\'s access_denied on when the user cancels at the provider', async () => {
    const client = createOAuthTestClient();
    const { response } = await signInWithProvider(client, 'local', { login: providerLogin(), cancel: true });
    expectNoSession(response);
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=access_denied`);
  });

  it('turns a made-up code into provider_error (the token endpoint refuses it)', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    callback.searchParams.set('code', 'not-a-code-the-provider-issued');
    expect(errorOf(await finishFlow(client, flow, callback))).toBe('provider_error');
  });

  it('sends any other provider error as provider_error', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const state = new URL(flow.start.headers.get('Location') ?? '').searchParams.get('state') ?? '';
    const response = await finishFlow(client, flow, new URL(`https://auth.example.test/auth/oauth/local/callback?error=server_error&state=${state}`));
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=provider_error`);
  });
});

describe('GET /auth/oauth/:provider/callback: linking', () => {
  async function registered(client: TestClient, email: string, verified: boolean): Promise<string> {
    const user = await signUpAndLogIn(client, { email });
    if (verified) await databaseForKey(client.env, user.userId).prepare('UPDATE users SET email_verified = 1 WHERE id = ?1').bind(user.userId).run();
    return user.userId;
  }

  it('links a provider-verified address to the account whose address is verified, and signs in to it', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('verified');
    const userId = await registered(client, login, true);
    const { accessToken } = await providerSession(client, 'local', login);
    expect(await userIdOf(client, accessToken)).toBe(userId);
    expect(await identityRows(client, userId)).toEqual([{ provider: 'local', subject: login, email: login }]);
    const events = await databaseForKey(client.env, userId).prepare("SELECT type FROM auth_events WHERE user_id = ?1 AND type = 'identity_linked'").bind(userId).all();
    expect(events.results).toHaveLength(1);
  });

  it('answers account_exists when an unverified provider address meets an existing account', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('unverified');
    const userId = await registered(client, login, true);
    const { response } = await signInWithProvider(client, 'local', { login });
    expectNoSession(response);
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=account_exists`);
    expect(await identityRows(client, userId)).toEqual([]);
  });

  it('answers account_exists when the account\'s own address is unverified (no pre-registration takeover)', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('verified');
    // Someone registered the victim's address first and never verified it.
    const userId = await registered(client, login, false);
    const { response } = await signInWithProvider(client, 'local', { login });
    expect(errorOf(response)).toBe('account_exists');
    expect(await identityRows(client, userId)).toEqual([]);
  });

  it('matches the address the way register does (case and Unicode folding)', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('verified');
    const userId = await registered(client, login.toUpperCase().replace('VERIFIED', 'verified'), true);
    const { accessToken } = await providerSession(client, 'local', login);
    expect(await userIdOf(client, accessToken)).toBe(userId);
  });

  it('keeps signing in through the identity once linked, even if the account\'s address changes', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('verified');
    const userId = await registered(client, login, true);
    await providerSession(client, 'local', login);
    await databaseForKey(client.env, userId).prepare('UPDATE users SET email = ?2 WHERE id = ?1').bind(userId, uniqueEmail('moved')).run();
    const { accessToken } = await providerSession(client, 'local', login);
    expect(await userIdOf(client, accessToken)).toBe(userId);
  });
});

describe('the database after provider sign-ins', () => {
  it('keeps every invariant: an account without a password always has an identity', async () => {
    const { findInvariantViolations } = await import('../helpers/invariants');
    const client = createOAuthTestClient();
    await providerSession(client, 'local', providerLogin('verified'));
    await signInWithProvider(client, 'local', { login: providerLogin('unverified') });
    await signInWithProvider(client, 'tamper-nonce', { login: providerLogin() });
    expect(await findInvariantViolations()).toEqual([]);
  });
});
