// Passkeys end to end through the app with a software authenticator: registration, listing, sign-in, removal.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator, userHandleFor } from '../helpers/authenticator';
import { createTestClient, createTestClock, getMe, refreshCookieFrom, refreshWithCookie, sendWithBearer, signUpVerified, DEFAULT_PASSWORD } from '../helpers/client';
import { decodeToken } from '../helpers/forge';
import { addPasskey, errorCode, loginOptions, passkeyProof, registerPasskey, registrationOptions, signInWithPasskey } from '../helpers/passkeys';
import { databaseForKey } from '../../src/storage/database';

interface PasskeyListing {
  passkeys: { id: string; name: string; created_at: string; last_used_at: string | null }[];
}

async function listPasskeys(client: ReturnType<typeof createTestClient>, accessToken: string): Promise<PasskeyListing['passkeys']> {
  const response = await sendWithBearer(client, 'GET', '/auth/passkeys', accessToken);
  expect(response.status).toBe(200);
  return ((await response.json()) as PasskeyListing).passkeys;
}

describe('POST /auth/passkeys/registration-options', () => {
  it('offers discoverable, user-verified, attestation-free creation options for the signed-in user', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const options = await registrationOptions(client, user.accessToken);
    expect(options.rp).toEqual({ id: 'auth.example.test', name: 'edge-auth' });
    expect(options.user).toEqual({ id: userHandleFor(user.userId), name: user.email, displayName: user.email });
    expect(options.authenticatorSelection).toEqual({ residentKey: 'required', requireResidentKey: true, userVerification: 'required' });
    expect(options.attestation).toBe('none');
    expect(options.pubKeyCredParams.map((param) => param.alg)).toEqual([-8, -7, -257]);
    expect(options.timeout).toBe(300_000);
    // Two calls never share a challenge.
    expect((await registrationOptions(client, user.accessToken)).challenge).not.toBe(options.challenge);
  });

  it('uses WEBAUTHN_RP_ID and WEBAUTHN_RP_NAME when they are set', async () => {
    const client = createTestClient({ vars: { WEBAUTHN_RP_ID: 'example.test', WEBAUTHN_RP_NAME: 'Example' } });
    const user = await signUpVerified(client);
    expect((await registrationOptions(client, user.accessToken)).rp).toEqual({ id: 'example.test', name: 'Example' });
  });

  it('excludes the passkeys the account already has', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const options = await registrationOptions(client, user.accessToken);
    expect(options.excludeCredentials).toEqual([{ type: 'public-key', id: authenticator.id, transports: ['internal'] }]);
  });

  it('needs a proof in the same request: a fresh sign-in alone is 403 reauthentication_required, a stale one with the password is fine', async () => {
    const clock = createTestClock();
    const client = createTestClient({ clock });
    const user = await signUpVerified(client);
    const fresh = await sendWithBearer(client, 'POST', '/auth/passkeys/registration-options', user.accessToken);
    expect(fresh.status).toBe(403);
    expect(await errorCode(fresh)).toBe('reauthentication_required');
    clock.advanceSeconds(601);
    const refreshed = await refreshWithCookie(client, user.refreshToken);
    const { access_token: accessToken } = (await refreshed.json()) as { access_token: string };
    expect((await sendWithBearer(client, 'POST', '/auth/passkeys/registration-options', accessToken, { password: DEFAULT_PASSWORD })).status).toBe(200);
  });
});

describe('POST /auth/passkeys and GET /auth/passkeys', () => {
  it('registers a passkey (201) and lists it with its name and no use yet', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await SoftwareAuthenticator.create();
    const response = await registerPasskey(client, user.accessToken, authenticator, {}, 'Laptop');
    expect(response.status).toBe(201);
    const { passkey } = (await response.json()) as { passkey: { id: string; name: string; created_at: string } };
    expect(passkey).toEqual({ id: authenticator.id, name: 'Laptop', created_at: expect.any(String) as string });
    expect(await listPasskeys(client, user.accessToken)).toEqual([{ ...passkey, last_used_at: null }]);
  });

  it('names a passkey "Passkey" when no name is given', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await addPasskey(client, user.accessToken);
    expect((await listPasskeys(client, user.accessToken)).map((passkey) => passkey.name)).toEqual(['Passkey']);
  });

  it('registers Ed25519 passkeys as well as ES256 ones, and signs in with them', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken, { algorithm: 'EdDSA' });
    expect((await signInWithPasskey(client, authenticator)).status).toBe(200);
  });

  it('lists only the caller\'s own passkeys', async () => {
    const client = createTestClient();
    const alice = await signUpVerified(client);
    const bob = await signUpVerified(client);
    await addPasskey(client, alice.accessToken);
    expect(await listPasskeys(client, bob.accessToken)).toEqual([]);
  });

  it('records passkey_added in the security events', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await addPasskey(client, user.accessToken);
    const row = await databaseForKey(env, user.userId).prepare("SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1 AND type = 'passkey_added'").bind(user.userId).first<{ n: number }>();
    expect(row?.n).toBe(1);
  });
});

describe('POST /auth/passkeys/login', () => {
  it('signs in with a registered passkey: a session like a password login, amr hwk and user, auth_time now', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const response = await signInWithPasskey(client, authenticator);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string; refresh_token?: string };
    expect(body.token_type).toBe('Bearer');
    expect(body.refresh_token).toBeUndefined();
    const cookie = refreshCookieFrom(response);
    expect(cookie).toBeDefined();
    const claims = decodeToken(body.access_token).payload;
    expect(claims.sub).toBe(user.userId);
    expect(claims.amr).toEqual(['hwk', 'user']);
    expect(claims.auth_time).toBe(Math.floor(client.clock.now() / 1000));
    expect((await getMe(client, body.access_token)).status).toBe(200);
    const [listed] = await listPasskeys(client, body.access_token);
    expect(listed?.last_used_at).not.toBeNull();
  });

  it('gives a synced (backup-eligible) passkey amr swk and user', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken, { flags: 0x08 | 0x10 });
    const response = await signInWithPasskey(client, authenticator);
    expect(decodeToken(((await response.json()) as { access_token: string }).access_token).payload.amr).toEqual(['swk', 'user']);
  });

  it('keeps the passkey amr and the sign-in time across refreshes', async () => {
    const clock = createTestClock();
    const client = createTestClient({ clock });
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const response = await signInWithPasskey(client, authenticator);
    const signedInAt = Math.floor(clock.now() / 1000);
    clock.advanceSeconds(120);
    const refreshed = await refreshWithCookie(client, refreshCookieFrom(response) ?? '');
    expect(refreshed.status).toBe(200);
    const claims = decodeToken(((await refreshed.json()) as { access_token: string }).access_token).payload;
    expect(claims.amr).toEqual(['hwk', 'user']);
    expect(claims.auth_time).toBe(signedInAt);
  });

  it('delivers the refresh token in the body with token_delivery "body"', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const response = await signInWithPasskey(client, authenticator, {}, 'body');
    const body = (await response.json()) as { refresh_token?: string };
    expect(typeof body.refresh_token).toBe('string');
    expect(response.headers.get('Set-Cookie')).toBeNull();
  });

  it('signs in again and again with an authenticator that keeps no counter (always 0)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken, { keepsCounter: false });
    expect((await signInWithPasskey(client, authenticator)).status).toBe(200);
    expect((await signInWithPasskey(client, authenticator)).status).toBe(200);
  });

  it('offers sign-in options for any discoverable passkey of the relying party, with user verification required', async () => {
    const client = createTestClient();
    const options = await loginOptions(client);
    expect(options).toEqual({ challenge: expect.any(String) as string, rpId: 'auth.example.test', timeout: 300_000, allowCredentials: [], userVerification: 'required' });
  });
});

describe('DELETE /auth/passkeys/:id', () => {
  it('removes the passkey (204), records passkey_removed, and it lists no more', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const response = await sendWithBearer(client, 'DELETE', `/auth/passkeys/${authenticator.id}`, user.accessToken, { password: DEFAULT_PASSWORD });
    expect(response.status).toBe(204);
    expect(await listPasskeys(client, user.accessToken)).toEqual([]);
    const row = await databaseForKey(env, user.userId).prepare("SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1 AND type = 'passkey_removed'").bind(user.userId).first<{ n: number }>();
    expect(row?.n).toBe(1);
  });

  it('answers 404 for a passkey that is not the caller\'s, and leaves it in place', async () => {
    const client = createTestClient();
    const alice = await signUpVerified(client);
    const bob = await signUpVerified(client);
    const authenticator = await addPasskey(client, alice.accessToken);
    const response = await sendWithBearer(client, 'DELETE', `/auth/passkeys/${authenticator.id}`, bob.accessToken, { password: DEFAULT_PASSWORD });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('not_found');
    expect(await listPasskeys(client, alice.accessToken)).toHaveLength(1);
  });

  it('refuses to remove the last way to sign in of an account without a password (409 last_sign_in_method)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const first = await addPasskey(client, user.accessToken);
    const second = await addPasskey(client, user.accessToken);
    // An account with no password (as a provider or passkey-only account is): it proves with a passkey.
    await databaseForKey(env, user.userId).prepare("UPDATE users SET password_hash = '' WHERE id = ?1").bind(user.userId).run();
    expect((await sendWithBearer(client, 'DELETE', `/auth/passkeys/${first.id}`, user.accessToken, await passkeyProof(client, second))).status).toBe(204);
    const response = await sendWithBearer(client, 'DELETE', `/auth/passkeys/${second.id}`, user.accessToken, await passkeyProof(client, second));
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('last_sign_in_method');
    expect(await listPasskeys(client, user.accessToken)).toHaveLength(1);
    expect((await signInWithPasskey(client, second)).status).toBe(200);
  });

  it('lets an account with a password remove its only passkey', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    expect((await sendWithBearer(client, 'DELETE', `/auth/passkeys/${authenticator.id}`, user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(204);
  });

  it('needs a proof in the same request (403 reauthentication_required without one, however recent the sign-in)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const response = await sendWithBearer(client, 'DELETE', `/auth/passkeys/${authenticator.id}`, user.accessToken);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('reauthentication_required');
    expect(await listPasskeys(client, user.accessToken)).toHaveLength(1);
  });
});
