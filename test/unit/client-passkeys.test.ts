// The SDK's passkey calls against the real app, with the software authenticator in place of the browser's.
import { describe, expect, it } from 'vitest';
import { createAuthClient } from '../../src/client';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../src/passkeys/webauthn/json';
import { SoftwareAuthenticator } from '../helpers/authenticator';
import { createTestBrowser } from '../helpers/browser';
import { BASE_URL, createTestClient, DEFAULT_PASSWORD, markEmailVerified, uniqueEmail } from '../helpers/client';

async function signedIn() {
  const server = createTestClient();
  const auth = createAuthClient({ baseUrl: BASE_URL, fetch: createTestBrowser(server).fetch, now: server.clock.now, crossTab: false });
  const email = uniqueEmail('sdk-passkey');
  const registered = await auth.register(email, DEFAULT_PASSWORD);
  await markEmailVerified(server, registered.id);
  await auth.login(email, DEFAULT_PASSWORD);
  return { server, auth };
}

describe('client SDK: passkeys', () => {
  it('registers a passkey, lists it, signs in with it and removes it', async () => {
    const { server, auth } = await signedIn();
    const authenticator = await SoftwareAuthenticator.create();
    await expect(auth.passkeyRegistrationOptions({})).rejects.toMatchObject({ code: 'reauthentication_required', status: 403 });
    const creation = (await auth.passkeyRegistrationOptions({ password: DEFAULT_PASSWORD })) as unknown as CreationOptionsJSON;
    const added = await auth.registerPasskey(await authenticator.register(creation, BASE_URL), 'Phone');
    expect(added).toMatchObject({ id: authenticator.id, name: 'Phone', lastUsedAt: null });
    expect((await auth.listPasskeys()).map((passkey) => passkey.id)).toEqual([authenticator.id]);

    const other = createAuthClient({ baseUrl: BASE_URL, fetch: createTestBrowser(server).fetch, now: server.clock.now, crossTab: false });
    const request = (await other.passkeyLoginOptions()) as unknown as RequestOptionsJSON;
    await other.loginWithPasskeyCredential(await authenticator.assert(request, BASE_URL));
    expect(other.getStatus()).toBe('signed_in');
    expect(other.getSession()?.user.id).toBe(auth.getSession()?.user.id);

    await expect(auth.removePasskey(authenticator.id, { password: 'not the password' })).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
    await auth.removePasskey(authenticator.id, { password: DEFAULT_PASSWORD });
    expect(await auth.listPasskeys()).toEqual([]);
  });

  it('reports a refused sign-in as AuthClientError invalid_credentials and stays signed out', async () => {
    const { server } = await signedIn();
    const client = createAuthClient({ baseUrl: BASE_URL, fetch: createTestBrowser(server).fetch, now: server.clock.now, crossTab: false });
    const request = (await client.passkeyLoginOptions()) as unknown as RequestOptionsJSON;
    const stranger = await SoftwareAuthenticator.create();
    stranger.userHandle = 'MDAuc29tZW9uZQ';
    await expect(client.loginWithPasskeyCredential(await stranger.assert(request, BASE_URL))).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(client.getSession()).toBeNull();
  });

  it('reports removing an unknown passkey as not_found', async () => {
    const { auth } = await signedIn();
    await expect(auth.removePasskey('AAAA', { password: DEFAULT_PASSWORD })).rejects.toMatchObject({ code: 'not_found' });
  });
});
