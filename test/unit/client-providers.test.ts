// The SDK's provider calls against the real app: the providers, the start URL, the callback's error, identities.
import { describe, expect, it } from 'vitest';
import { createAuthClient, providerSignInErrorOf } from '../../src/client';
import { createTestBrowser } from '../helpers/browser';
import { BASE_URL } from '../helpers/client';
import { APP_URL, createOAuthTestClient, providerLogin, refreshTokenOf, signInWithProvider } from '../helpers/oidc-flow';

describe('client SDK: sign-in with other providers', () => {
  it('lists the configured providers and builds the URL that starts a sign-in', async () => {
    const server = createOAuthTestClient();
    const auth = createAuthClient({ baseUrl: BASE_URL, fetch: createTestBrowser(server).fetch, now: server.clock.now, crossTab: false });
    const providers = await auth.listProviders();
    expect(providers).toContainEqual({ id: 'local', type: 'oidc' });
    const url = auth.providerSignInUrl('local', APP_URL);
    expect(url).toBe(`${BASE_URL}/auth/oauth/local?redirect_to=${encodeURIComponent(APP_URL)}`);
    expect((await server.fetch(url.slice(BASE_URL.length), { redirect: 'manual' })).status).toBe(302);
  });

  it('finds the session after the provider sent the browser back, lists the identity and refuses to remove the last one', async () => {
    const server = createOAuthTestClient();
    const { response } = await signInWithProvider(server, 'local', { login: providerLogin() });
    // The browser now holds the refresh cookie the callback set; the SDK's init() refreshes with it.
    const browser = createTestBrowser(server);
    await browser.fetch(`${BASE_URL}/auth/refresh`, { method: 'POST', headers: { Cookie: `__Host-edge_auth_refresh=${refreshTokenOf(response)}` } });
    const auth = createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: server.clock.now, crossTab: false });
    expect(await auth.init()).not.toBeNull();
    const identities = await auth.listIdentities();
    expect(identities).toEqual([{ id: expect.stringMatching(/^[0-9a-z]{2}\./), provider: 'local', email: expect.stringContaining('@example.test'), createdAt: expect.any(String) }]);
    // No password: the provider sign-in of the last 5 minutes is the proof ({}).
    await expect(auth.removeIdentity(identities[0]?.id ?? '', {})).rejects.toMatchObject({ code: 'last_sign_in_method' });
  });

  it('reads the error a failed sign-in left after #error=, and nothing else', () => {
    expect(providerSignInErrorOf(`${APP_URL}#error=account_exists`)).toBe('account_exists');
    expect(providerSignInErrorOf(`${APP_URL}#error=access_denied`)).toBe('access_denied');
    expect(providerSignInErrorOf(`${APP_URL}#error=made_up`)).toBeNull();
    expect(providerSignInErrorOf(APP_URL)).toBeNull();
  });
});
