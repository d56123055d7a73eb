// The passkey verification rules as functions (src/webauthn, the challenge statement), below the HTTP tests in test/security/passkeys.test.ts.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { insertPasskeyWithChallenge } from '../../src/passkeys/passkey-rows';
import { databaseForKey } from '../../src/storage/database';
import { consumeChallengeStatement, insertChallengeStatement, issueRegistrationChallenge } from '../../src/passkeys/challenge-rows';
import { parseAssertion, verifyAssertion, type ParsedAssertion } from '../../src/passkeys/webauthn/assertion';
import { type RelyingParty } from '../../src/passkeys/webauthn/ceremony';
import { creationOptions, newChallenge, requestOptions } from '../../src/passkeys/webauthn/options';
import { verifyRegistrationResponse, type VerifiedRegistration } from '../../src/passkeys/webauthn/registration';
import { SoftwareAuthenticator, userHandleFor, type AssertionOverrides } from '../helpers/authenticator';
import { createTestClient, signUpAndLogIn } from '../helpers/client';

const ORIGIN = 'https://auth.example.test';
const RP: RelyingParty = { id: 'auth.example.test', origins: new Set([ORIGIN]) };
const USER_ID = '00.webauthn-unit-user';
const NOW = 1_800_000_000;

/** A registered software passkey and what the service stored for it. */
async function registered(options: { keepsCounter?: boolean } = {}): Promise<{ authenticator: SoftwareAuthenticator; stored: VerifiedRegistration }> {
  const authenticator = await SoftwareAuthenticator.create(options);
  const creation = creationOptions({ rp: { id: RP.id, name: 'edge-auth' }, user: { id: USER_ID, email: 'unit@example.test' }, challenge: newChallenge('00'), existingCredentials: [] });
  const verdict = await verifyRegistrationResponse(await authenticator.register(creation, ORIGIN), RP);
  if (!verdict.ok) throw new Error(verdict.reason);
  return { authenticator, stored: verdict.value };
}

async function parsed(authenticator: SoftwareAuthenticator, overrides: AssertionOverrides = {}): Promise<ReturnType<typeof parseAssertion>> {
  return parseAssertion(await authenticator.assert(requestOptions(RP.id, newChallenge('00')), ORIGIN, overrides), RP);
}

async function assertion(authenticator: SoftwareAuthenticator, overrides: AssertionOverrides = {}): Promise<ParsedAssertion> {
  const verdict = await parsed(authenticator, overrides);
  if (!verdict.ok) throw new Error(verdict.reason);
  return verdict.value;
}

describe('verifyAssertion: the signature counter', () => {
  it('accepts a counter greater than the stored one', async () => {
    const { authenticator, stored } = await registered();
    expect(await verifyAssertion(await assertion(authenticator, { signCount: 6 }), { publicKey: stored.publicKey, signCount: 5 })).toEqual({ ok: true, value: { signCount: 6 } });
  });

  it('refuses a counter equal to the stored one as a regression', async () => {
    const { authenticator, stored } = await registered();
    expect(await verifyAssertion(await assertion(authenticator, { signCount: 5 }), { publicKey: stored.publicKey, signCount: 5 })).toEqual({ ok: false, reason: 'counter_regressed' });
  });

  it('refuses a counter reset to 0 after the authenticator kept one', async () => {
    const { authenticator, stored } = await registered();
    expect(await verifyAssertion(await assertion(authenticator, { signCount: 0 }), { publicKey: stored.publicKey, signCount: 5 })).toEqual({ ok: false, reason: 'counter_regressed' });
  });

  it('accepts 0 again and again from an authenticator that keeps no counter', async () => {
    const { authenticator, stored } = await registered({ keepsCounter: false });
    expect(stored.signCount).toBe(0);
    for (let use = 0; use < 2; use++) {
      expect(await verifyAssertion(await assertion(authenticator), { publicKey: stored.publicKey, signCount: 0 })).toEqual({ ok: true, value: { signCount: 0 } });
    }
  });

  it('refuses a signature by another key, whatever the counter', async () => {
    const { authenticator, stored } = await registered();
    const other = await SoftwareAuthenticator.create();
    expect((await verifyAssertion(await assertion(authenticator, { signWith: other.keyPair.privateKey, signCount: 9 }), { publicKey: stored.publicKey, signCount: 0 })).ok).toBe(false);
  });
});

describe('parseAssertion: the client and authenticator data', () => {
  it('accepts a genuine assertion and reads the user from userHandle', async () => {
    const { authenticator } = await registered();
    const verdict = await parsed(authenticator);
    expect(verdict.ok && verdict.value.userId).toBe(USER_ID);
  });

  it('refuses a userHandle that is not one of our user ids, or none at all', async () => {
    const { authenticator } = await registered();
    expect(await parsed(authenticator, { userHandle: userHandleFor('admin') })).toEqual({ ok: false, reason: 'no userHandle of ours' });
    expect(await parsed(authenticator, { userHandle: null })).toEqual({ ok: false, reason: 'no userHandle of ours' });
  });

  it('refuses a cross-origin ceremony (a third-party iframe)', async () => {
    const { authenticator } = await registered();
    expect(await parsed(authenticator, { crossOrigin: true })).toEqual({ ok: false, reason: 'cross-origin ceremony' });
  });

  it('refuses an origin not on the list', async () => {
    const { authenticator } = await registered();
    expect(await parsed(authenticator, { origin: 'https://evil.example' })).toEqual({ ok: false, reason: 'origin not allowed' });
  });

  it('refuses an assertion without user verification', async () => {
    const { authenticator } = await registered();
    expect(await parsed(authenticator, { userVerified: false })).toEqual({ ok: false, reason: 'user not verified' });
  });

  it('refuses another relying party ID and a registration type', async () => {
    const { authenticator } = await registered();
    expect(await parsed(authenticator, { rpId: 'evil.example' })).toEqual({ ok: false, reason: 'RP ID hash does not match' });
    expect((await parsed(authenticator, { type: 'webauthn.create' })).ok).toBe(false);
  });
});

describe('consumeChallengeStatement', () => {
  async function consume(challenge: string, purpose: 'register' | 'login', userId: string | null, nowSeconds: number): Promise<boolean> {
    return ((await consumeChallengeStatement(env.DB, challenge, purpose, userId, nowSeconds).all()).results.length ?? 0) === 1;
  }

  it('does not hand a registration challenge to another user, and it stays for its own', async () => {
    const challenge = newChallenge('00');
    await insertChallengeStatement(env.DB, challenge, 'register', '00.alice', 1_000).run();
    expect(await consume(challenge, 'register', '00.mallory', 500)).toBe(false);
    expect(await consume(challenge, 'login', null, 500)).toBe(false);
    expect(await consume(challenge, 'register', '00.alice', 500)).toBe(true);
    expect(await consume(challenge, 'register', '00.alice', 500)).toBe(false);
  });

  it('refuses a challenge at its expiry second, and takes it the second before', async () => {
    const expired = newChallenge('00');
    const live = newChallenge('00');
    await insertChallengeStatement(env.DB, expired, 'login', null, 1_000).run();
    await insertChallengeStatement(env.DB, live, 'login', null, 1_000).run();
    expect(await consume(expired, 'login', null, 1_000)).toBe(false);
    expect(await consume(live, 'login', null, 999)).toBe(true);
  });
});

describe('insertPasskeyWithChallenge', () => {
  const CLIENT = { ip: null, userAgent: null, country: null };

  async function newPasskeyFor(userId: string, createdAt: number) {
    const { stored } = await registered();
    return { userId, credentialId: stored.credentialId, name: 'unit', publicKey: stored.publicKey, signCount: 0, backupEligible: false, backedUp: false, transports: [], createdAt };
  }

  it('refuses a registration challenge issued to another user, which stays usable by its own', async () => {
    const client = createTestClient();
    const alice = await signUpAndLogIn(client);
    const mallory = await signUpAndLogIn(client);
    const challenge = newChallenge('00');
    await issueRegistrationChallenge(databaseForKey(env, alice.userId), alice.userId, challenge, NOW + 300);
    expect(await insertPasskeyWithChallenge(databaseForKey(env, mallory.userId), await newPasskeyFor(mallory.userId, NOW), challenge, CLIENT)).toEqual({ added: false });
    expect(await insertPasskeyWithChallenge(databaseForKey(env, alice.userId), await newPasskeyFor(alice.userId, NOW), challenge, CLIENT)).toEqual({ added: true });
  });

  it('refuses an expired registration challenge, and a challenge twice', async () => {
    const user = await signUpAndLogIn(createTestClient());
    const expired = newChallenge('00');
    await issueRegistrationChallenge(databaseForKey(env, user.userId), user.userId, expired, NOW + 300);
    expect(await insertPasskeyWithChallenge(databaseForKey(env, user.userId), await newPasskeyFor(user.userId, NOW + 300), expired, CLIENT)).toEqual({ added: false });
    const live = newChallenge('00');
    await issueRegistrationChallenge(databaseForKey(env, user.userId), user.userId, live, NOW + 300);
    expect(await insertPasskeyWithChallenge(databaseForKey(env, user.userId), await newPasskeyFor(user.userId, NOW + 299), live, CLIENT)).toEqual({ added: true });
    expect(await insertPasskeyWithChallenge(databaseForKey(env, user.userId), await newPasskeyFor(user.userId, NOW + 299), live, CLIENT)).toEqual({ added: false });
  });
});
