// Passkey attack cases with a software authenticator: each one breaks one rule and must be refused.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { decodeCBORToNativeValueNoLeftoverBytes } from '@oslojs/cbor';
import { encodeCbor, fromBase64Url, SoftwareAuthenticator, toBase64Url, userHandleFor } from '../helpers/authenticator';
import { createTestClient, createTestClock, sendWithBearer, signUpVerified, DEFAULT_PASSWORD } from '../helpers/client';
import { addPasskey, errorCode, loginOptions, postPasskeyLogin, registerPasskey, registrationOptions, SERVICE_ORIGIN, signInWithPasskey } from '../helpers/passkeys';
import { databaseForKey } from '../../src/storage/database';

async function expectRefusedLogin(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(await errorCode(response)).toBe('invalid_credentials');
}

async function expectRefusedRegistration(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  expect(await errorCode(response)).toBe('invalid_passkey');
}

async function passkeyCount(userId: string): Promise<number> {
  return (await databaseForKey(env, userId).prepare('SELECT COUNT(*) AS n FROM passkeys WHERE user_id = ?1').bind(userId).first<{ n: number }>())?.n ?? -1;
}

describe('passkey registration refuses', () => {
  it('a response from another origin', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await expectRefusedRegistration(await registerPasskey(client, user.accessToken, await SoftwareAuthenticator.create(), { origin: 'https://evil.example' }));
    expect(await passkeyCount(user.userId)).toBe(0);
  });

  it('accepts an origin listed in ALLOWED_ORIGINS', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: 'https://app.example.test' } });
    const user = await signUpVerified(client);
    expect((await registerPasskey(client, user.accessToken, await SoftwareAuthenticator.create(), { origin: 'https://app.example.test' })).status).toBe(201);
  });

  it('a response whose RP ID hash is not SHA-256 of our RP ID', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await expectRefusedRegistration(await registerPasskey(client, user.accessToken, await SoftwareAuthenticator.create(), { rpId: 'evil.example' }));
  });

  it('a response without user verification (UV flag clear)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await expectRefusedRegistration(await registerPasskey(client, user.accessToken, await SoftwareAuthenticator.create(), { userVerified: false }));
  });

  it('client data of type webauthn.get', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await expectRefusedRegistration(await registerPasskey(client, user.accessToken, await SoftwareAuthenticator.create(), { type: 'webauthn.get' }));
  });

  it('a cross-origin (iframe) ceremony', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await expectRefusedRegistration(await registerPasskey(client, user.accessToken, await SoftwareAuthenticator.create(), { crossOrigin: true }));
  });

  it('a challenge the service never issued', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const forged = btoa(`00.${'x'.repeat(32)}`).replace(/=+$/, '');
    await expectRefusedRegistration(await registerPasskey(client, user.accessToken, await SoftwareAuthenticator.create(), { challenge: forged }));
  });

  it('a replayed registration challenge: the same response registers once', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const options = await registrationOptions(client, user.accessToken);
    const credential = await (await SoftwareAuthenticator.create()).register(options, SERVICE_ORIGIN);
    expect((await sendWithBearer(client, 'POST', '/auth/passkeys', user.accessToken, { credential })).status).toBe(201);
    await sendWithBearer(client, 'DELETE', `/auth/passkeys/${credential.id}`, user.accessToken, { password: DEFAULT_PASSWORD });
    await expectRefusedRegistration(await sendWithBearer(client, 'POST', '/auth/passkeys', user.accessToken, { credential }));
    expect(await passkeyCount(user.userId)).toBe(0);
  });

  it('a challenge older than 5 minutes, and takes one just inside them', async () => {
    const clock = createTestClock();
    const client = createTestClient({ clock });
    const user = await signUpVerified(client);
    const late = await registrationOptions(client, user.accessToken);
    const inTime = await registrationOptions(client, user.accessToken);
    clock.advanceSeconds(299);
    const good = await (await SoftwareAuthenticator.create()).register(inTime, SERVICE_ORIGIN);
    expect((await sendWithBearer(client, 'POST', '/auth/passkeys', user.accessToken, { credential: good })).status).toBe(201);
    clock.advanceSeconds(2);
    const expired = await (await SoftwareAuthenticator.create()).register(late, SERVICE_ORIGIN);
    await expectRefusedRegistration(await sendWithBearer(client, 'POST', '/auth/passkeys', user.accessToken, { credential: expired }));
  });

  it("another user's registration challenge (a response made for Alice's options sent by Bob)", async () => {
    const client = createTestClient();
    const alice = await signUpVerified(client);
    const bob = await signUpVerified(client);
    const aliceOptions = await registrationOptions(client, alice.accessToken);
    const credential = await (await SoftwareAuthenticator.create()).register(aliceOptions, SERVICE_ORIGIN);
    await expectRefusedRegistration(await sendWithBearer(client, 'POST', '/auth/passkeys', bob.accessToken, { credential }));
    expect(await passkeyCount(bob.userId)).toBe(0);
    // Alice's challenge was not spent by Bob's attempt.
    expect((await sendWithBearer(client, 'POST', '/auth/passkeys', alice.accessToken, { credential })).status).toBe(201);
  });

  it('an attestation format other than none', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const options = await registrationOptions(client, user.accessToken);
    const credential = await (await SoftwareAuthenticator.create()).register(options, SERVICE_ORIGIN);
    // Same authenticator data, re-wrapped as "packed" with a (meaningless) statement.
    const decoded = decodeCBORToNativeValueNoLeftoverBytes(fromBase64Url(credential.response.attestationObject), 4) as { authData: Uint8Array };
    const packed = encodeCbor(new Map<string, Uint8Array | string | Map<string, number | Uint8Array>>([
      ['fmt', 'packed'],
      ['attStmt', new Map<string, number | Uint8Array>([['alg', -7], ['sig', new Uint8Array(64)]])],
      ['authData', decoded.authData],
    ]));
    const tampered = { ...credential, response: { ...credential.response, attestationObject: toBase64Url(packed) } };
    await expectRefusedRegistration(await sendWithBearer(client, 'POST', '/auth/passkeys', user.accessToken, { credential: tampered }));
  });

  it('a malformed credential with 400 invalid_request or invalid_passkey, never a 5xx', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const options = await registrationOptions(client, user.accessToken);
    const good = await (await SoftwareAuthenticator.create()).register(options, SERVICE_ORIGIN);
    const bodies: unknown[] = [
      {},
      { credential: 'x' },
      { credential: { ...good, type: 'password' } },
      { credential: { ...good, rawId: 'AAAA' } },
      { credential: { ...good, response: { ...good.response, attestationObject: 'AAAA' } } },
      { credential: { ...good, response: { ...good.response, clientDataJSON: 'e30' } } },
      { credential: good, name: '' },
      { credential: good, extra: 1 },
    ];
    for (const body of bodies) {
      const response = await sendWithBearer(client, 'POST', '/auth/passkeys', user.accessToken, body);
      expect(response.status).toBe(400);
      expect(['invalid_request', 'invalid_passkey']).toContain(await errorCode(response));
    }
  });
});

describe('passkey sign-in refuses (401 invalid_credentials)', () => {
  async function setUp() {
    const clock = createTestClock();
    const client = createTestClient({ clock });
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    return { clock, client, user, authenticator };
  }

  it('a bad signature', async () => {
    const { client, authenticator } = await setUp();
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { corruptSignature: true }));
  });

  it('a valid signature by another key than the registered one', async () => {
    const { client, authenticator } = await setUp();
    const other = await SoftwareAuthenticator.create();
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { signWith: other.keyPair.privateKey }));
  });

  it('a wrong origin', async () => {
    const { client, authenticator } = await setUp();
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { origin: 'https://evil.example' }));
  });

  it('a wrong RP ID hash', async () => {
    const { client, authenticator } = await setUp();
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { rpId: 'evil.example' }));
  });

  it('client data of type webauthn.create', async () => {
    const { client, authenticator } = await setUp();
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { type: 'webauthn.create' }));
  });

  it('user verification not set', async () => {
    const { client, authenticator } = await setUp();
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { userVerified: false }));
  });

  it('a replayed challenge: the same assertion signs in once', async () => {
    const { client, authenticator } = await setUp();
    const options = await loginOptions(client);
    const credential = await authenticator.assert(options, SERVICE_ORIGIN);
    expect((await postPasskeyLogin(client, { credential })).status).toBe(200);
    await expectRefusedLogin(await postPasskeyLogin(client, { credential }));
  });

  it('a challenge the service never issued', async () => {
    const { client, authenticator } = await setUp();
    const forged = btoa(`00.${'y'.repeat(32)}`).replace(/=+$/, '');
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { challenge: forged }));
  });

  it('a registration challenge used for a sign-in', async () => {
    const { client, user, authenticator } = await setUp();
    const creation = await registrationOptions(client, user.accessToken);
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { challenge: creation.challenge }));
  });

  it('an expired challenge (over 5 minutes), and takes one just inside them', async () => {
    const { clock, client, authenticator } = await setUp();
    const late = await loginOptions(client);
    const inTime = await loginOptions(client);
    clock.advanceSeconds(299);
    expect((await postPasskeyLogin(client, { credential: await authenticator.assert(inTime, SERVICE_ORIGIN) })).status).toBe(200);
    clock.advanceSeconds(2);
    await expectRefusedLogin(await postPasskeyLogin(client, { credential: await authenticator.assert(late, SERVICE_ORIGIN) }));
  });

  it('a signature counter that goes backwards, and records passkey_counter_regressed', async () => {
    const { client, user, authenticator } = await setUp();
    expect((await signInWithPasskey(client, authenticator, { signCount: 5 })).status).toBe(200);
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { signCount: 3 }));
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { signCount: 5 }));
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { signCount: 0 }));
    const row = await databaseForKey(env, user.userId).prepare("SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1 AND type = 'passkey_counter_regressed'").bind(user.userId).first<{ n: number }>();
    expect(row?.n).toBe(3);
    expect((await signInWithPasskey(client, authenticator, { signCount: 6 })).status).toBe(200);
  });

  it("a credential of another user: Alice's passkey with Bob's userHandle", async () => {
    const { client, authenticator } = await setUp();
    const bob = await signUpVerified(client);
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { userHandle: userHandleFor(bob.userId) }));
  });

  it("a credential registered by another account cannot sign in to this one, even under this one's userHandle", async () => {
    const { client, user: alice } = await setUp();
    const mallory = await signUpVerified(client);
    const malloryKey = await addPasskey(client, mallory.accessToken);
    await expectRefusedLogin(await signInWithPasskey(client, malloryKey, { userHandle: userHandleFor(alice.userId) }));
  });

  it('an assertion without userHandle (passkeys are discoverable: the account comes from it)', async () => {
    const { client, authenticator } = await setUp();
    await expectRefusedLogin(await signInWithPasskey(client, authenticator, { userHandle: null }));
  });

  it('a removed passkey', async () => {
    const { client, user, authenticator } = await setUp();
    expect((await sendWithBearer(client, 'DELETE', `/auth/passkeys/${authenticator.id}`, user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(204);
    await expectRefusedLogin(await signInWithPasskey(client, authenticator));
  });

  it('the passkey of a deleted account', async () => {
    const { client, user, authenticator } = await setUp();
    expect((await client.postJson('/auth/account/delete', { password: user.password }, { Authorization: `Bearer ${user.accessToken}` })).status).toBe(204);
    await expectRefusedLogin(await signInWithPasskey(client, authenticator));
  });

  it('malformed assertions with a 4xx, never a 5xx', async () => {
    const { client, authenticator } = await setUp();
    const good = await authenticator.assert(await loginOptions(client), SERVICE_ORIGIN);
    const bodies: unknown[] = [
      {},
      { credential: null },
      { credential: { ...good, response: { ...good.response, authenticatorData: 'AAAA' } } },
      { credential: { ...good, response: { ...good.response, signature: 'AAAA' } } },
      { credential: { ...good, response: { ...good.response, userHandle: 'AAAA' } } },
      { credential: { ...good, response: { ...good.response, clientDataJSON: 'bm90IGpzb24' } } },
      { credential: good, token_delivery: 'carrier-pigeon' },
    ];
    for (const body of bodies) {
      const response = await postPasskeyLogin(client, body);
      expect([400, 401]).toContain(response.status);
    }
  });
});
