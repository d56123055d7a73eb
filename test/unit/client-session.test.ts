// The SDK's session life: login, init() on app load, logout, typed errors, and body delivery for Node.
import { describe, expect, it } from 'vitest';
import { AuthClientError, createAuthClient, createMemoryRefreshTokenStore, type AuthClientOptions, type AuthStatus } from '../../src/client';
import { createTestBrowser, type TestBrowser } from '../helpers/browser';
import { BASE_URL, createTestClient, DEFAULT_PASSWORD, getMe, refreshWithCookie, uniqueEmail, type TestClient } from '../helpers/client';

function openClient(server: TestClient, browser: TestBrowser, options: Partial<AuthClientOptions> = {}) {
  return createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: server.clock.now, crossTab: false, ...options });
}

async function registeredEmail(server: TestClient): Promise<string> {
  const email = uniqueEmail('sdk');
  const response = await server.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
  expect(response.status).toBe(201);
  return email;
}

describe('client SDK: signing in and out in a browser', () => {
  it('signs in, names the user, and sends the access token as a bearer while keeping it out of the session object', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const auth = openClient(server, browser);
    const email = uniqueEmail('Sdk');

    const user = await auth.register(email, DEFAULT_PASSWORD);
    const session = await auth.login(email, DEFAULT_PASSWORD);

    expect(session.user).toEqual({ id: user.id, email: email.toLowerCase(), emailVerified: false, roles: [] });
    expect(session.accessTokenExpiresAt).toBe(server.clock.now() + 900_000);
    const me = await auth.fetch('/auth/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { id: user.id }, session_id: session.sessionId });
    expect(JSON.stringify(session)).not.toContain(await auth.getAccessToken());
    expect(browser.refreshCookie()).toBeDefined();
    const login = browser.requests.find((request) => request.path === '/auth/login');
    expect(login?.headers.get('Cookie')).toBeNull();
  });

  it('restores the session on app load through the refresh cookie, without ever reporting signed out', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const email = await registeredEmail(server);
    const firstLoad = openClient(server, browser);
    const { sessionId } = await firstLoad.login(email, DEFAULT_PASSWORD);

    const reloaded = openClient(server, browser);
    const statuses: AuthStatus[] = [];
    reloaded.onChange((_session, status) => statuses.push(status));
    expect(reloaded.getStatus()).toBe('loading');
    const restored = await reloaded.init();

    expect(restored?.sessionId).toBe(sessionId);
    expect(statuses).toEqual(['signed_in']);
    expect(browser.requests.at(-1)?.path).toBe('/auth/refresh');
    expect(browser.requests.at(-1)?.headers.get('Cookie')).toMatch(/^__Host-edge_auth_refresh=/);
  });

  it('reports signed out after init() when there is no session', async () => {
    const server = createTestClient();
    const auth = openClient(server, createTestBrowser(server));

    expect(await auth.init()).toBeNull();
    expect(auth.getStatus()).toBe('signed_out');
  });

  it('logs out on the server: the access token and the refresh cookie both stop working', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const auth = openClient(server, browser);
    await auth.login(await registeredEmail(server), DEFAULT_PASSWORD);
    const accessToken = await auth.getAccessToken();
    const refreshToken = browser.refreshCookie() ?? '';

    await auth.logout();

    expect(auth.getStatus()).toBe('signed_out');
    expect(browser.refreshCookie()).toBeUndefined();
    expect((await getMe(server, accessToken)).status).toBe(401);
    expect((await refreshWithCookie(server, refreshToken)).status).toBe(401);
  });

  it('refuses to send the access token to an origin it was not told to trust', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const auth = openClient(server, browser);
    await auth.login(await registeredEmail(server), DEFAULT_PASSWORD);
    const sent = browser.requests.length;

    await expect(auth.fetch('https://elsewhere.example/api')).rejects.toMatchObject({ code: 'untrusted_origin' });
    expect(browser.requests.length).toBe(sent);
  });
});

describe('client SDK: typed errors', () => {
  it.each([
    ['a wrong password', 'invalid_credentials', 401],
    ['an address that is taken', 'email_taken', 409],
    ['a common password', 'weak_password', 400],
  ])('reports %s with a stable code', async (_case, code, status) => {
    const server = createTestClient();
    const auth = openClient(server, createTestBrowser(server));
    const email = await registeredEmail(server);
    const attempt =
      code === 'invalid_credentials'
        ? auth.login(email, 'not the right passphrase')
        : code === 'email_taken'
          ? auth.register(email, DEFAULT_PASSWORD)
          : auth.register(uniqueEmail('weak'), 'password123');

    const error = await attempt.catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthClientError);
    expect(error).toMatchObject({ code, status, name: 'AuthClientError' });
  });

  it('reports an unreachable service as network_error', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    browser.goOffline();
    const auth = openClient(server, browser);

    await expect(auth.login(uniqueEmail(), DEFAULT_PASSWORD)).rejects.toMatchObject({ code: 'network_error' });
  });
});

describe('client SDK: body delivery for Node and mobile', () => {
  it('keeps the refresh token in its store, rotates it there, and never uses a cookie', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const store = createMemoryRefreshTokenStore();
    const auth = openClient(server, browser, { tokenDelivery: 'body', refreshTokenStore: store });
    await auth.login(await registeredEmail(server), DEFAULT_PASSWORD);
    const first = await store.get();
    expect(first).toEqual(expect.any(String));

    server.clock.advanceSeconds(900);
    expect((await auth.fetch('/auth/me')).status).toBe(200);
    const second = await store.get();
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);

    await auth.logout();
    expect(await store.get()).toBeNull();
    expect(browser.refreshCookie()).toBeUndefined();
    expect(browser.requests.every((request) => request.headers.get('Cookie') === null)).toBe(true);
    const replay = await server.postJson('/auth/refresh', { refresh_token: second });
    expect(replay.status).toBe(401);
  });

  it('restores a session from a stored refresh token on start', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const store = createMemoryRefreshTokenStore();
    const first = openClient(server, browser, { tokenDelivery: 'body', refreshTokenStore: store });
    const { sessionId } = await first.login(await registeredEmail(server), DEFAULT_PASSWORD);

    const restarted = openClient(server, browser, { tokenDelivery: 'body', refreshTokenStore: store });
    const restored = await restarted.init();

    expect(restored?.sessionId).toBe(sessionId);
  });

  it('starts signed out, without a request, when the store is empty', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const auth = openClient(server, browser, { tokenDelivery: 'body' });

    expect(await auth.init()).toBeNull();
    expect(browser.requests).toHaveLength(0);
  });
});
