// The owner's recovery takes the account back (DESIGN "Account and factor lifecycle"): a reset proving an unverified
// address removes every way in added before; ending sessions ends pending second steps; deletion keeps mail counters.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashAddressForMailLimit } from '../../src/account/email-links';
import { TOTP_STEP_SECONDS } from '../../src/totp/totp';
import { newIdentityId } from '../../src/core/ids';
import { databaseForEmail, databaseForKey } from '../../src/storage/database';
import { findDirectoryEntry } from '../../src/storage/directory';
import { findIdentityBySubject, identityDirectoryKey, linkIdentity } from '../../src/providers/identity-rows';
import { MAIL_LINKS_PER_HOUR } from '../../src/account/mail-limits';
import { DEFAULT_PASSWORD, getMe, logIn, probeSession, sendWithBearer, uniqueEmail, type TestClient } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { addPasskey, errorCode, signInWithPasskey } from '../helpers/passkeys';
import { codeAt, enableTotp, mfaStep, passwordStep, type TotpUser } from '../helpers/totp';
import { issueRegistrationChallenge } from '../../src/passkeys/challenge-rows';
import type { SoftwareAuthenticator } from '../helpers/authenticator';

const OWNER_PASSWORD = 'the real owner takes it back';
const TAKES_BACK = 'removes every way to sign in added before';

/** A user row's email_verified, set by hand. */
async function setEmailVerified(userId: string, verified: boolean): Promise<void> {
  await databaseForKey(env, userId).prepare('UPDATE users SET email_verified = ?2 WHERE id = ?1').bind(userId, verified ? 1 : 0).run();
}

async function register(client: TestClient, email: string, password = DEFAULT_PASSWORD): Promise<string> {
  const response = await client.postJson('/auth/register', { email, password });
  expect(response.status).toBe(201);
  return ((await response.json()) as { user: { id: string } }).user.id;
}

/** Follows the newest verification link sent to the address. */
async function verifyAddress(client: MailTestClient, email: string): Promise<void> {
  const response = await client.postJson('/auth/email/verify', { token: client.mailbox.latestToken(email) });
  expect(response.status).toBe(200);
}

/** Asks for a reset link and uses it; returns the reset mail. */
async function resetFromMail(client: MailTestClient, email: string, password = OWNER_PASSWORD) {
  expect((await client.postJson('/auth/password/forgot', { email })).status).toBe(202);
  const mail = client.mailbox.to(email).filter((message) => message.kind === 'password_reset').at(-1);
  expect(mail).toBeDefined();
  expect((await client.postJson('/auth/password/reset', { token: client.mailbox.latestToken(email), new_password: password })).status).toBe(204);
  return mail!;
}

/** What the attacker holds on the victim's pre-registered account. */
interface PlantedAccount {
  email: string;
  userId: string;
  session: { accessToken: string; refreshToken: string };
  passkey: SoftwareAuthenticator;
  totp: TotpUser;
  identity: { provider: string; subject: string };
  /** A password step waiting for its code. */
  mfaToken: string;
}

/**
 * The pre-registration hijack: the attacker registers the victim's address
 * (never verified), signs in and plants a passkey, a linked provider
 * identity and TOTP, and leaves a password step pending.
 *
 * Enrolment now needs a verified address, so no such account can be made
 * today; accounts from before that rule can hold them. This plants them as
 * that data looks: the address is marked verified only while planting
 * (through the real enrolment code: passkey registration, TOTP setup and
 * enable, the identity through the storage function a provider sign-in
 * links with) and unverified again before the owner's reset.
 */
async function plantedAccount(client: MailTestClient): Promise<PlantedAccount> {
  const email = uniqueEmail('victim');
  const userId = await register(client, email);
  const session = await logIn(client, email, DEFAULT_PASSWORD);
  await setEmailVerified(userId, true);
  const passkey = await addPasskey(client, session.accessToken);
  const identity = { provider: 'github', subject: `attacker-${crypto.randomUUID()}` };
  const nowSeconds = Math.floor(client.clock.now() / 1000);
  const linked = await linkIdentity(client.env, { id: newIdentityId(userId), userId, ...identity, email, createdAt: nowSeconds }, { ip: null, userAgent: null, country: null });
  expect(linked).toBe(true);
  const totp = await enableTotp(client, session);
  await setEmailVerified(userId, false);
  // The planted ways in work before the owner's reset.
  expect((await signInWithPasskey(client, passkey)).status).toBe(200);
  expect(await findIdentityBySubject(client.env, identity.provider, identity.subject)).toMatchObject({ id: userId });
  const mfaToken = await passwordStep(client, email, DEFAULT_PASSWORD);
  client.clock.advanceSeconds(61);
  return { email, userId, session, passkey, totp, identity, mfaToken };
}

/** Rows of every way in the user holds, per table. */
async function waysInRows(userId: string): Promise<Record<string, number>> {
  const db = databaseForKey(env, userId);
  const count = async (table: string) => (await db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?1`).bind(userId).first<{ n: number }>())?.n ?? -1;
  const tables = ['passkeys', 'webauthn_challenges', 'identities', 'totp_factors', 'recovery_codes', 'mfa_tokens', 'lifecycle_review'];
  return Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await count(table)] as const)));
}

async function eventTypes(userId: string): Promise<string[]> {
  const { results } = await databaseForKey(env, userId).prepare('SELECT type FROM auth_events WHERE user_id = ?1').bind(userId).all<{ type: string }>();
  return results.map((row) => row.type);
}

describe('POST /auth/password/reset of an address nobody proved (pre-registration hijack)', () => {
  it('tells the owner in the reset mail that completing it removes every way in added before', async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    const mail = await resetFromMail(client, planted.email);
    expect(mail.text).toContain(TAKES_BACK);
    expect(mail.text).toMatch(/sessions, passkeys, linked accounts, two-factor authentication and recovery codes/);
    expect(mail.html).toContain(TAKES_BACK);
  });

  it("ends the attacker's session: the access token and the refresh token are refused", async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    await resetFromMail(client, planted.email);
    expect(await probeSession(client, planted.session)).toEqual({ accessStatus: 401, refreshStatus: 401 });
  });

  it("refuses the attacker's passkey afterwards with 401", async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    await resetFromMail(client, planted.email);
    const response = await signInWithPasskey(client, planted.passkey);
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('invalid_credentials');
  });

  it("signs the owner in with the new password alone: the attacker's TOTP no longer stands in front (200, not mfa_required)", async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    await resetFromMail(client, planted.email);
    const response = await client.postJson('/auth/login', { email: planted.email, password: OWNER_PASSWORD });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    const me = (await (await getMe(client, access_token)).json()) as { user: { email_verified: boolean } };
    expect(me.user.email_verified).toBe(true);
  });

  it("ends the attacker's pending password step: its mfa_token with a right code is 401 invalid_mfa_token", async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    await resetFromMail(client, planted.email);
    const response = await mfaStep(client, planted.mfaToken, { code: await codeAt(client, planted.totp.secret) });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('invalid_mfa_token');
  });

  it('unlinks the provider identity and forgets its directory entry: that provider account signs in to nobody', async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    await resetFromMail(client, planted.email);
    const owner = await logIn(client, planted.email, OWNER_PASSWORD);
    const listed = (await (await sendWithBearer(client, 'GET', '/auth/identities', owner.accessToken)).json()) as { identities: unknown[] };
    expect(listed.identities).toEqual([]);
    expect(await findIdentityBySubject(client.env, planted.identity.provider, planted.identity.subject)).toBeNull();
    expect(await findDirectoryEntry(client.env, identityDirectoryKey(planted.identity.provider, planted.identity.subject))).toBeNull();
  });

  it('leaves no row of any way in (passkeys and their challenges, identities, TOTP, recovery codes, mfa_tokens) and records account_reset', async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    // A registration started and never finished: its challenge names the user.
    await issueRegistrationChallenge(databaseForKey(client.env, planted.userId), planted.userId, `planted-${crypto.randomUUID()}`, Math.floor(client.clock.now() / 1000) + 300);
    // What migration 0013 records for such an account from before the enrolment rule.
    await databaseForKey(env, planted.userId).prepare('INSERT INTO lifecycle_review (user_id, passkeys, totp, identities, recorded_at) VALUES (?1, 1, 1, 1, 0)').bind(planted.userId).run();
    expect(await waysInRows(planted.userId)).toMatchObject({ passkeys: 1, webauthn_challenges: 1, identities: 1, totp_factors: 1, mfa_tokens: 1, lifecycle_review: 1 });
    await resetFromMail(client, planted.email);
    const none = { passkeys: 0, webauthn_challenges: 0, identities: 0, totp_factors: 0, recovery_codes: 0, mfa_tokens: 0, lifecycle_review: 0 };
    expect(await waysInRows(planted.userId)).toEqual(none);
    expect(await eventTypes(planted.userId)).toEqual(expect.arrayContaining(['account_reset', 'password_reset']));
  });
});

describe('POST /auth/account/delete of such an account', () => {
  it('removes every way in and the review entry with the account', async () => {
    const client = createMailTestClient();
    const planted = await plantedAccount(client);
    await databaseForKey(env, planted.userId).prepare('INSERT INTO lifecycle_review (user_id, passkeys, totp, identities, recorded_at) VALUES (?1, 1, 1, 1, 0)').bind(planted.userId).run();
    const deleted = await sendWithBearer(client, 'POST', '/auth/account/delete', planted.session.accessToken, { password: DEFAULT_PASSWORD });
    expect(deleted.status).toBe(204);
    expect(Object.values(await waysInRows(planted.userId)).every((rows) => rows === 0)).toBe(true);
    expect(await findDirectoryEntry(client.env, identityDirectoryKey(planted.identity.provider, planted.identity.subject))).toBeNull();
  });
});

describe('POST /auth/password/reset of a verified address', () => {
  /** A verified account with its own passkey and TOTP. */
  async function verifiedAccount(client: MailTestClient) {
    const email = uniqueEmail('owner');
    const userId = await register(client, email);
    await verifyAddress(client, email);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    const passkey = await addPasskey(client, session.accessToken);
    const totp = await enableTotp(client, session);
    client.clock.advanceSeconds(61);
    return { email, userId, passkey, totp };
  }

  it('keeps its passkeys and TOTP: the rule is for unverified addresses only', async () => {
    const client = createMailTestClient();
    const account = await verifiedAccount(client);
    const mail = await resetFromMail(client, account.email);
    expect(mail.text).not.toContain(TAKES_BACK);
    expect((await signInWithPasskey(client, account.passkey)).status).toBe(200);
    const mfaToken = await passwordStep(client, account.email, OWNER_PASSWORD);
    expect((await mfaStep(client, mfaToken, { code: await codeAt(client, account.totp.secret) })).status).toBe(200);
    expect(await waysInRows(account.userId)).toMatchObject({ passkeys: 1, totp_factors: 1, recovery_codes: account.totp.recoveryCodes.length });
    expect(await eventTypes(account.userId)).not.toContain('account_reset');
  });
});

describe('pending second steps end with the change that must end them', () => {
  /** A verified user with TOTP on, signed in through the second step, and a new password step left pending. */
  async function pendingSecondStep(client: MailTestClient) {
    const email = uniqueEmail('pending');
    const userId = await register(client, email);
    await verifyAddress(client, email);
    const first = await logIn(client, email, DEFAULT_PASSWORD);
    const totp = await enableTotp(client, first);
    const signedIn = await mfaStep(client, await passwordStep(client, email, DEFAULT_PASSWORD), { code: await codeAt(client, totp.secret) }, { token_delivery: 'body' });
    expect(signedIn.status).toBe(200);
    const { access_token } = (await signedIn.json()) as { access_token: string };
    const mfaToken = await passwordStep(client, email, DEFAULT_PASSWORD);
    client.clock.advanceSeconds(TOTP_STEP_SECONDS + 61);
    return { email, userId, totp, accessToken: access_token, mfaToken };
  }

  async function expectEnded(client: MailTestClient, mfaToken: string, secret: Uint8Array): Promise<void> {
    const response = await mfaStep(client, mfaToken, { code: await codeAt(client, secret) });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('invalid_mfa_token');
  }

  it('a password change ends every pending mfa_token', async () => {
    const client = createMailTestClient();
    const user = await pendingSecondStep(client);
    const changed = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: DEFAULT_PASSWORD, new_password: 'a changed passphrase here' });
    expect(changed.status).toBe(204);
    await expectEnded(client, user.mfaToken, user.totp.secret);
  });

  it('a password reset ends every pending mfa_token (TOTP stays on for a verified address)', async () => {
    const client = createMailTestClient();
    const user = await pendingSecondStep(client);
    await resetFromMail(client, user.email);
    await expectEnded(client, user.mfaToken, user.totp.secret);
    expect(await waysInRows(user.userId)).toMatchObject({ totp_factors: 1, mfa_tokens: 0 });
  });

  it('logout-all ends every pending mfa_token', async () => {
    const client = createMailTestClient();
    const user = await pendingSecondStep(client);
    expect((await sendWithBearer(client, 'POST', '/auth/logout-all', user.accessToken)).status).toBe(204);
    await expectEnded(client, user.mfaToken, user.totp.secret);
  });

  it('TOTP disable ends every pending mfa_token, even once TOTP is on again with a new secret', async () => {
    const client = createMailTestClient();
    const user = await pendingSecondStep(client);
    const disabled = await sendWithBearer(client, 'POST', '/auth/mfa/totp/disable', user.accessToken, { code: await codeAt(client, user.totp.secret) });
    expect(disabled.status).toBe(204);
    client.clock.advanceSeconds(TOTP_STEP_SECONDS);
    const again = await enableTotp(client, { accessToken: user.accessToken });
    await expectEnded(client, user.mfaToken, again.secret);
  });

  it('account deletion ends every pending mfa_token', async () => {
    const client = createMailTestClient();
    const user = await pendingSecondStep(client);
    expect((await sendWithBearer(client, 'POST', '/auth/account/delete', user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(204);
    await expectEnded(client, user.mfaToken, user.totp.secret);
    expect(await waysInRows(user.userId)).toMatchObject({ mfa_tokens: 0 });
  });
});

describe('account deletion and the per-address mail limit', () => {
  async function registerAndDelete(client: MailTestClient, email: string): Promise<void> {
    await register(client, email);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    expect((await sendWithBearer(client, 'POST', '/auth/account/delete', session.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(204);
  }

  function verificationMails(client: MailTestClient, email: string): number {
    return client.mailbox.to(email).filter((message) => message.kind === 'verify_email').length;
  }

  it('keeps the counters: five register/delete cycles within a minute mail the address once', async () => {
    const client = createMailTestClient();
    const email = uniqueEmail('cycles');
    for (let cycle = 0; cycle < 5; cycle++) await registerAndDelete(client, email);
    expect(verificationMails(client, email)).toBe(1);
    const counters = await (await databaseForEmail(env, email)).prepare('SELECT COUNT(*) AS n FROM mail_limits WHERE address_hash = ?1').bind(await hashAddressForMailLimit(email)).first<{ n: number }>();
    expect(counters?.n).toBe(1);
  });

  it('keeps the hourly limit across deletions: a cycle a minute mails the address at most MAIL_LINKS_PER_HOUR times', async () => {
    const client = createMailTestClient();
    const email = uniqueEmail('hourly');
    for (let cycle = 0; cycle < MAIL_LINKS_PER_HOUR + 2; cycle++) {
      await registerAndDelete(client, email);
      client.clock.advanceSeconds(61);
    }
    expect(verificationMails(client, email)).toBe(MAIL_LINKS_PER_HOUR);
  });
});
