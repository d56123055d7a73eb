// The SDK's provider calls against the real app: the providers, the start URL, the callback's error, identities.
import { describe, expect, it } from 'vitest';
import { createAuthClient, providerMfaTokenOf, providerSignInErrorOf } from '../../src/client';
import { createTestBrowser } from '../helpers/browser';
import { BASE_URL } from '../helpers/client';
import { decodeToken } from '../helpers/forge';
import { APP_URL, createOAuthTestClient, providerLogin, providerSession, refreshTokenOf, signInWithProvider } from '../helpers/oidc-flow';
import { codeAt, enableTotp } from '../helpers/totp';

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
    expect(providerSignInErrorOf(`${APP_URL}#error=email_not_verified`)).toBe('email_not_verified');
  });

  it('finds the second step a provider sign-in to a TOTP account came back with, and completes it with the code, the refresh cookie landing in the browser', async () => {
    const server = createOAuthTestClient();
    const login = providerLogin();
    const first = await providerSession(server, 'local', login);
    // A provider-made account has no password: its provider sign-in of a moment ago is the proof.
    const totp = await enableTotp(server, first, {});
    const { response } = await signInWithProvider(server, 'local', { login });
    const returnedTo = response.headers.get('Location') ?? '';
    expect(providerSignInErrorOf(returnedTo)).toBe('mfa_required');
    const mfaToken = providerMfaTokenOf(returnedTo);
    expect(mfaToken).not.toBeNull();

    const browser = createTestBrowser(server);
    const auth = createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: server.clock.now, crossTab: false });
    await auth.completeMfaLogin(mfaToken ?? '', { code: await codeAt(server, totp.secret) });
    expect(auth.getStatus()).toBe('signed_in');
    expect(decodeToken(await auth.getAccessToken()).payload.amr).toEqual(['fed', 'otp', 'mfa']);
    // The cookie delivery put the refresh cookie in this browser: a fresh page load finds the session.
    const reloaded = createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: server.clock.now, crossTab: false });
    expect((await reloaded.init())?.user.email).toBe(login);
  });

  it('reads an mfa_token only after #error=mfa_required', () => {
    expect(providerMfaTokenOf(`${APP_URL}#error=mfa_required&mfa_token=00.abc`)).toBe('00.abc');
    expect(providerMfaTokenOf(`${APP_URL}#error=account_exists&mfa_token=00.abc`)).toBeNull();
    expect(providerMfaTokenOf(`${APP_URL}#error=mfa_required`)).toBeNull();
    expect(providerMfaTokenOf(`${APP_URL}?mfa_token=00.abc`)).toBeNull();
  });
});
