// Rules a mutation sweep found untested (issue 31), each driven over HTTP; scripts/lib/mutants/survivors.mjs and coverage.mjs hold the mutants they kill.
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashRecoveryCode } from '../../src/totp/mfa-secrets';
import { hashEmailForThrottle } from '../../src/password/throttle';
import { databaseForEmail, databaseForKey, databaseForShard } from '../../src/storage/database';
import { DEFAULT_SHARD } from '../../src/core/ids';
import { DEFAULT_PASSWORD, createTestClient, logIn, sendWithBearer, signUpAndLogIn, signUpVerified, uniqueEmail, uniqueIp, type TestClient } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { APP_URL, createOAuthTestClient, errorOf, finishFlow, passProvider, providerLogin, signInWithProvider, startFlow } from '../helpers/oidc-flow';
import { base32ToBytes, codeAt, enableTotp, mfaStep, passwordStep } from '../helpers/totp';

const NEW_PASSWORD = 'a brand new passphrase';
const LOCKOUT = { LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '600', IP_RATE_LIMIT_PER_MINUTE: '0' };

function login(client: TestClient, email: string, password: string): Promise<Response> {
  return client.postJson('/auth/login', { email, password }, { 'CF-Connecting-IP': uniqueIp() });
}

/** Registers, proves the address with the mailed link (so no rule about unverified addresses is involved), and moves past the mail minute. */
async function verifiedUser(client: MailTestClient): Promise<{ email: string; userId: string }> {
  const email = uniqueEmail('survivor');
  const registered = await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
  expect(registered.status).toBe(201);
  const { user } = (await registered.json()) as { user: { id: string } };
  expect((await client.postJson('/auth/email/verify', { token: client.mailbox.latestToken(email) })).status).toBe(200);
  client.clock.advanceSeconds(61);
  return { email, userId: user.id };
}

describe('a password reset and the lockout', () => {
  it('lifts a running lockout: the new password signs in at once', async () => {
    const client = createMailTestClient({ vars: LOCKOUT });
    const { email } = await verifiedUser(client);
    for (let attempt = 0; attempt < 3; attempt++) expect((await login(client, email, 'definitely not the password')).status).toBe(401);
    expect((await login(client, email, DEFAULT_PASSWORD)).status).toBe(429);

    expect((await client.postJson('/auth/password/forgot', { email })).status).toBe(202);
    expect((await client.postJson('/auth/password/reset', { token: client.mailbox.latestToken(email), new_password: NEW_PASSWORD })).status).toBe(204);
    expect((await login(client, email, NEW_PASSWORD)).status).toBe(200);
  });
});

describe('a link request refused by the per-address limit', () => {
  it('leaves the reset link already in the mailbox working', async () => {
    const client = createMailTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const { email } = await verifiedUser(client);
    expect((await client.postJson('/auth/password/forgot', { email })).status).toBe(202);
    const first = client.mailbox.latestToken(email);
    expect((await client.postJson('/auth/password/forgot', { email })).status).toBe(429);
    expect((await client.postJson('/auth/password/reset', { token: first, new_password: NEW_PASSWORD })).status).toBe(204);
  });

  it('leaves the verification link already in the mailbox working', async () => {
    const client = createMailTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const email = uniqueEmail('survivor');
    expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
    const first = client.mailbox.latestToken(email);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    expect((await sendWithBearer(client, 'POST', '/auth/email/verification', session.accessToken)).status).toBe(429);
    expect((await client.postJson('/auth/email/verify', { token: first })).status).toBe(200);
  });
});

describe('replayed second factors and the lockout', () => {
  it('counts a replayed TOTP code as a wrong code: three replays lock the account', async () => {
    const client = createTestClient({ vars: LOCKOUT });
    const user = await signUpVerified(client);
    const totp = await enableTotp(client, user);
    const code = await codeAt(client, totp.secret);
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { code })).status).toBe(200);
    for (let replay = 0; replay < 3; replay++) {
      const response = await mfaStep(client, await passwordStep(client, user.email, user.password), { code });
      expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([401, 'invalid_mfa_code']);
    }
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(429);
  });

  it('counts a used recovery code as a wrong code: three replays lock the account', async () => {
    const client = createTestClient({ vars: LOCKOUT });
    const user = await signUpVerified(client);
    const totp = await enableTotp(client, user);
    const recovery = totp.recoveryCodes[0]!;
    expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { recovery_code: recovery })).status).toBe(200);
    for (let replay = 0; replay < 3; replay++) {
      expect((await mfaStep(client, await passwordStep(client, user.email, user.password), { recovery_code: recovery })).status).toBe(401);
    }
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(429);
  });
});

describe('two TOTP enables at the same moment', () => {
  it('leave exactly ten recovery codes, all of them the ones the winner was shown', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpVerified(client);
    const setup = (await (await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: user.password })).json()) as { secret: string };
    const code = await codeAt(client, base32ToBytes(setup.secret));
    const answers = await Promise.all([0, 1].map(() => sendWithBearer(client, 'POST', '/auth/mfa/totp/enable', user.accessToken, { code })));
    const winners = answers.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    const { recovery_codes: shown } = (await winners[0]!.json()) as { recovery_codes: string[] };
    const stored = await databaseForKey(env, user.userId).prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?1').bind(user.userId).all<{ code_hash: string }>();
    const expected = await Promise.all(shown.map((shownCode) => hashRecoveryCode(user.userId, shownCode, String((client.env as unknown as Record<string, unknown>).KEY_ENCRYPTION_SECRET))));
    expect(stored.results.map((row) => row.code_hash).sort()).toEqual(expected.sort());
    expect(expected).toHaveLength(10);
  });
});

describe('the provider sign-in binding cookie', () => {
  it('refuses a callback carrying two different binding cookies, even with the right one first, and does not burn the state', async () => {
    const client = createOAuthTestClient();
    const flow = await startFlow(client, 'local');
    const callback = await passProvider(flow, { login: providerLogin() });
    const own = flow.edgeAuth.header();
    const tossed = await startFlow(client, 'local');
    const response = await finishFlow(client, flow, callback, `${own}; ${tossed.edgeAuth.header()}`);
    expect(errorOf(response)).toBe('invalid_state');
    expect((await finishFlow(client, flow, callback, own)).headers.get('Location')).toBe(APP_URL);
  });
});

describe('an ID token with several audiences', () => {
  it('is refused when its azp names another client, and makes no account', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    const { response } = await signInWithProvider(client, 'tamper-azp', { login });
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=provider_error`);
    expect(await databaseForShard(client.env, DEFAULT_SHARD).prepare('SELECT id FROM users WHERE email = ?1').bind(login).first()).toBeNull();
  });

  it('is refused without a nonce, like one with another flow\'s nonce', async () => {
    const client = createOAuthTestClient();
    const { response } = await signInWithProvider(client, 'tamper-nonceless', { login: providerLogin() });
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=provider_error`);
  });

  it('is accepted when its azp names this service (the control of the cases above)', async () => {
    const client = createOAuthTestClient();
    const { response } = await signInWithProvider(client, 'tamper-audiences', { login: providerLogin() });
    expect(response.headers.get('Location')).toBe(APP_URL);
  });
});

describe('the per-IP limits of sign-in and of mail', { timeout: 60_000 }, () => {
  // The binding's windows follow the wall clock: start with at least 15 s left in this one.
  beforeEach(async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
  }, 60_000);

  it('count apart: an address that spent its sign-in requests may still ask for a reset link', async () => {
    const client = createTestClient();
    const ip = uniqueIp();
    const junk = { refresh_token: `00.${'A'.repeat(43)}` };
    const spent = await Promise.all(Array.from({ length: 60 }, () => client.postJson('/auth/refresh', junk, { 'CF-Connecting-IP': ip })));
    expect(spent.every((response) => response.status === 401)).toBe(true);
    expect((await client.postJson('/auth/refresh', junk, { 'CF-Connecting-IP': ip })).status).toBe(429);
    expect((await client.postJson('/auth/password/forgot', { email: uniqueEmail('nobody') }, { 'CF-Connecting-IP': ip })).status).toBe(202);
  });
});

describe('an abandoned password check', () => {
  /** Writes the failure record a crash would leave: `pending` claims taken at `updatedAt` and never settled. */
  async function abandonClaims(client: TestClient, email: string, pending: number, updatedAt: number): Promise<void> {
    const db = await databaseForEmail(client.env, email);
    await db
      .prepare('INSERT OR REPLACE INTO login_failures (email_hash, failures, pending, lockouts, locked_until, updated_at) VALUES (?1, 0, ?2, 0, NULL, ?3)')
      .bind(await hashEmailForThrottle(email), pending, updatedAt)
      .run();
  }

  it('holds the account only for the claim timeout: after 60 s the right password signs in again', async () => {
    const client = createTestClient({ vars: LOCKOUT });
    const user = await signUpAndLogIn(client);
    const now = Math.floor(client.clock.now() / 1000);
    await abandonClaims(client, user.email, 3, now);
    expect((await login(client, user.email, user.password)).status).toBe(429);
    client.clock.advanceSeconds(61);
    expect((await login(client, user.email, user.password)).status).toBe(200);
  });
});
