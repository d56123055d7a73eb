// A proof in the same request for every credential change, and no enrolment before the address is proven (DESIGN "Account and factor lifecycle").
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashEmailForThrottle } from '../../src/password/throttle';
import { databaseForEmail, databaseForKey } from '../../src/storage/database';
import { createTestClient, DEFAULT_PASSWORD, logIn, sendWithBearer, signUpAndLogIn, signUpVerified, type TestClient } from '../helpers/client';
import { createOAuthTestClient, signInWithProvider } from '../helpers/oidc-flow';
import { addPasskey, passkeyProof, signInWithPasskey, type Proof } from '../helpers/passkeys';
import { codeAt, enableTotp } from '../helpers/totp';
import { makePasswordlessWithProvider } from '../helpers/passwordless';

async function errorOf(response: Response): Promise<{ status: number; error: string | undefined }> {
  return { status: response.status, error: ((await response.json()) as { error?: string }).error };
}

const registrationOptions = (client: TestClient, accessToken: string, proof?: Proof) => sendWithBearer(client, 'POST', '/auth/passkeys/registration-options', accessToken, proof);
const totpSetup = (client: TestClient, accessToken: string, proof?: Proof) => sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', accessToken, proof);

/** Takes the password away, as an account made by a passkey or a provider has none. */
async function dropPassword(userId: string): Promise<void> {
  await databaseForKey(env, userId).prepare("UPDATE users SET password_hash = '' WHERE id = ?1").bind(userId).run();
}

async function failureCount(email: string): Promise<number> {
  const row = await (await databaseForEmail(env, email)).prepare('SELECT failures FROM login_failures WHERE email_hash = ?1').bind(await hashEmailForThrottle(email)).first<{ failures: number }>();
  return row?.failures ?? 0;
}

/** A fresh session of a passkey-only account: its access token, signed in by `authenticator`. */
async function passkeySession(client: TestClient, authenticator: Awaited<ReturnType<typeof addPasskey>>): Promise<string> {
  const response = await signInWithPasskey(client, authenticator);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('no enrolment before the address is proven', () => {
  it('refuses passkey options and TOTP setup to an unverified account with 403 email_not_verified, even with the right password', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect(await errorOf(await registrationOptions(client, user.accessToken, { password: user.password }))).toEqual({ status: 403, error: 'email_not_verified' });
    expect(await errorOf(await totpSetup(client, user.accessToken, { password: user.password }))).toEqual({ status: 403, error: 'email_not_verified' });
    const challenges = await databaseForKey(env, user.userId).prepare('SELECT COUNT(*) AS n FROM webauthn_challenges WHERE user_id = ?1').bind(user.userId).first<{ n: number }>();
    expect(challenges?.n).toBe(0);
    expect(await databaseForKey(env, user.userId).prepare('SELECT 1 FROM totp_factors WHERE user_id = ?1').bind(user.userId).first()).toBeNull();
  });

  it('answers email_not_verified before reauthentication_required when both apply', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect(await errorOf(await registrationOptions(client, user.accessToken))).toEqual({ status: 403, error: 'email_not_verified' });
    expect(await errorOf(await totpSetup(client, user.accessToken))).toEqual({ status: 403, error: 'email_not_verified' });
  });

  it('leaves no lockout claim pending when it refuses an unverified enrolment that carried a password', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    await registrationOptions(client, user.accessToken, { password: user.password });
    const row = await (await databaseForEmail(env, user.email)).prepare('SELECT pending FROM login_failures WHERE email_hash = ?1').bind(await hashEmailForThrottle(user.email)).first<{ pending: number }>();
    expect(row?.pending ?? 0).toBe(0);
  });

  it('still lets an unverified account change its address or delete itself with its password (no enrolment)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await sendWithBearer(client, 'POST', '/auth/account/delete', user.accessToken, { password: user.password })).status).toBe(204);
  });
});

describe('a stolen access token cannot change a way to sign in', () => {
  it('gets 403 reauthentication_required without a proof, however fresh the sign-in: no passkey options, TOTP setup, passkey or identity removal, email change or deletion', async () => {
    const client = createOAuthTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    await signInWithProvider(client, 'local', { login: user.email });
    const identities = (await (await sendWithBearer(client, 'GET', '/auth/identities', user.accessToken)).json()) as { identities: { id: string }[] };
    expect(identities.identities).toHaveLength(1);
    const stolen = (await logIn(client, user.email, user.password)).accessToken;
    const refused = { status: 403, error: 'reauthentication_required' };
    expect(await errorOf(await registrationOptions(client, stolen))).toEqual(refused);
    expect(await errorOf(await totpSetup(client, stolen))).toEqual(refused);
    expect(await errorOf(await sendWithBearer(client, 'DELETE', `/auth/passkeys/${authenticator.id}`, stolen))).toEqual(refused);
    expect(await errorOf(await sendWithBearer(client, 'DELETE', `/auth/identities/${identities.identities[0]?.id}`, stolen))).toEqual(refused);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/email/change', stolen, { new_email: `thief-${user.email}` }))).toEqual(refused);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/account/delete', stolen))).toEqual(refused);
    // Nothing changed.
    const passkeys = (await (await sendWithBearer(client, 'GET', '/auth/passkeys', stolen)).json()) as { passkeys: unknown[] };
    expect(passkeys.passkeys).toHaveLength(1);
    expect(((await (await sendWithBearer(client, 'GET', '/auth/identities', stolen)).json()) as { identities: unknown[] }).identities).toHaveLength(1);
    expect(await databaseForKey(env, user.userId).prepare('SELECT 1 FROM totp_factors WHERE user_id = ?1').bind(user.userId).first()).toBeNull();
  });

  it('does not take a fresh passkey sign-in as a proof for an account without a password', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    await dropPassword(user.userId);
    const fresh = await passkeySession(client, authenticator);
    expect(await errorOf(await registrationOptions(client, fresh))).toEqual({ status: 403, error: 'reauthentication_required' });
  });
});

describe('a wrong proof', () => {
  it('is 401 invalid_credentials and counts towards the lockout: then the right proof and even the right password at login get 429', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '3' } });
    const user = await signUpVerified(client);
    expect(await errorOf(await registrationOptions(client, user.accessToken, { password: 'not my password at all' }))).toEqual({ status: 401, error: 'invalid_credentials' });
    expect(await errorOf(await totpSetup(client, user.accessToken, { password: 'not my password either' }))).toEqual({ status: 401, error: 'invalid_credentials' });
    expect(await failureCount(user.email)).toBe(2);
    expect((await sendWithBearer(client, 'POST', '/auth/account/delete', user.accessToken, { password: 'still not it' })).status).toBe(401);
    const locked = await registrationOptions(client, user.accessToken, { password: DEFAULT_PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await client.postJson('/auth/login', { email: user.email, password: DEFAULT_PASSWORD })).status).toBe(429);
  });

  it('includes a code or a passkey offered by an account that has a password: only the password proves it', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    expect(await errorOf(await registrationOptions(client, user.accessToken, await passkeyProof(client, authenticator)))).toEqual({ status: 401, error: 'invalid_credentials' });
    expect(await errorOf(await registrationOptions(client, user.accessToken, { code: '123456' }))).toEqual({ status: 401, error: 'invalid_credentials' });
    expect(await failureCount(user.email)).toBe(2);
  });

  it('refuses two proofs at once with 400 invalid_request', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    expect(await errorOf(await sendWithBearer(client, 'POST', '/auth/passkeys/registration-options', user.accessToken, { password: user.password, code: '123456' }))).toEqual({
      status: 400,
      error: 'invalid_request',
    });
  });
});

describe('the proof of an account without a password', () => {
  it('is an assertion of one of its own passkeys (its challenge from login-options, used once)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    await dropPassword(user.userId);
    const accessToken = await passkeySession(client, authenticator);
    const proof = await passkeyProof(client, authenticator);
    expect((await registrationOptions(client, accessToken, proof)).status).toBe(200);
    // The same assertion again: its challenge is spent.
    expect(await errorOf(await registrationOptions(client, accessToken, proof))).toEqual({ status: 401, error: 'invalid_credentials' });
  });

  it('refuses another user\'s passkey assertion (401 invalid_credentials, counted)', async () => {
    const client = createTestClient();
    const alice = await signUpVerified(client);
    const bob = await signUpVerified(client);
    const alicesKey = await addPasskey(client, alice.accessToken);
    const bobsKey = await addPasskey(client, bob.accessToken);
    await dropPassword(alice.userId);
    const accessToken = await passkeySession(client, alicesKey);
    expect(await errorOf(await registrationOptions(client, accessToken, await passkeyProof(client, bobsKey)))).toEqual({ status: 401, error: 'invalid_credentials' });
    expect(await errorOf(await sendWithBearer(client, 'DELETE', `/auth/passkeys/${alicesKey.id}`, accessToken, await passkeyProof(client, bobsKey)))).toEqual({
      status: 401,
      error: 'invalid_credentials',
    });
    expect(await failureCount(alice.email)).toBe(2);
  });

  it('is a current TOTP code when TOTP is on, each code once; a wrong code is 401 invalid_credentials', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const totp = await enableTotp(client, user);
    // No password, a linked provider account (as a provider sign-up leaves it), no passkey: the code is what proves it.
    await makePasswordlessWithProvider(user.userId, user.email);
    const code = await codeAt(client, totp.secret);
    expect(await errorOf(await registrationOptions(client, user.accessToken, { code: '000000' === code ? '111111' : '000000' }))).toEqual({ status: 401, error: 'invalid_credentials' });
    expect((await registrationOptions(client, user.accessToken, { code })).status).toBe(200);
    expect(await errorOf(await registrationOptions(client, user.accessToken, { code }))).toEqual({ status: 401, error: 'invalid_credentials' });
  });

  it('refuses a code when TOTP is off (401 invalid_credentials)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await makePasswordlessWithProvider(user.userId, user.email);
    expect(await errorOf(await registrationOptions(client, user.accessToken, { code: '123456' }))).toEqual({ status: 401, error: 'invalid_credentials' });
  });
});
