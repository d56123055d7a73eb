// The SDK's logout tells the app the truth: signed out only once the service confirmed it.
import { describe, expect, it } from 'vitest';
import { createAuthClient, type AuthStatus } from '../../src/client';
import { createTestBrowser } from '../helpers/browser';
import { BASE_URL, createTestClient, DEFAULT_PASSWORD, getMe, uniqueEmail, type TestClient } from '../helpers/client';

async function registeredEmail(server: TestClient): Promise<string> {
  const email = uniqueEmail('sdk-logout');
  const response = await server.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
  if (response.status !== 201) throw new Error(`register failed: ${response.status}`);
  return email;
}

describe('AuthClient.logout when the service does not confirm it', () => {
  it('rejects with network_error and stays signed in when the service cannot be reached', async () => {
    const server = createTestClient();
    const browser = createTestBrowser(server);
    const auth = createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: server.clock.now, crossTab: false });
    await auth.login(await registeredEmail(server), DEFAULT_PASSWORD);
    const seen: AuthStatus[] = [];
    auth.onChange((_, status) => seen.push(status));
    browser.goOffline();

    await expect(auth.logout()).rejects.toMatchObject({ code: 'network_error' });
    expect(auth.getStatus()).toBe('signed_in');
    expect(auth.getSession()).not.toBeNull();
    expect(seen).not.toContain('signed_out');
    expect(browser.refreshCookie()).toBeDefined();
  });

  it('rejects with the service error, stays signed in, and a retry then really ends the session', async () => {
    const server = createTestClient();
    let refuseLogout = true;
    const browser = createTestBrowser(server, (url) =>
      refuseLogout && url.pathname === '/auth/logout'
        ? Response.json({ error: 'service_unavailable', message: 'Try again shortly.' }, { status: 503, headers: { 'Retry-After': '5' } })
        : undefined,
    );
    const auth = createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: server.clock.now, crossTab: false });
    await auth.login(await registeredEmail(server), DEFAULT_PASSWORD);
    const accessToken = await auth.getAccessToken();

    await expect(auth.logout()).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
    expect(auth.getStatus()).toBe('signed_in');
    expect((await getMe(server, accessToken)).status).toBe(200);

    refuseLogout = false;
    await auth.logout();
    expect(auth.getStatus()).toBe('signed_out');
    expect(browser.refreshCookie()).toBeUndefined();
    expect((await getMe(server, accessToken)).status).toBe(401);
  });
});
