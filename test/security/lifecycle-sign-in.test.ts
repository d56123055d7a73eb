// Every way in obeys the same gates (issue 23): no account from an unverified provider address, REQUIRE_EMAIL_VERIFICATION
// on passkey, provider and second-step sign-ins, and the second step after a provider sign-in to an account with TOTP on.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { allShardDatabases, databaseForKey } from '../../src/storage/database';
import { createTestClock, getMe, signUpAndLogIn, type TestClient, type TestClock } from '../helpers/client';
import { decodeToken } from '../helpers/forge';
import { APP_URL, createOAuthTestClient, errorOf, providerLogin, providerSession, signInWithProvider } from '../helpers/oidc-flow';
import { addPasskey, errorCode, signInWithPasskey } from '../helpers/passkeys';
import { codeAt, enableTotp, mfaStep, passwordStep } from '../helpers/totp';

/** Two clients of one deployment on one clock: REQUIRE_EMAIL_VERIFICATION off, and on. */
function clients(vars: Record<string, string> = {}): { plain: TestClient; strict: TestClient; clock: TestClock } {
  const clock = createTestClock();
  return {
    plain: createOAuthTestClient({ clock, vars }),
    strict: createOAuthTestClient({ clock, vars: { ...vars, REQUIRE_EMAIL_VERIFICATION: 'true' } }),
    clock,
  };
}

async function setVerified(userId: string, verified: boolean): Promise<void> {
  await databaseForKey(env, userId).prepare('UPDATE users SET email_verified = ?2 WHERE id = ?1').bind(userId, verified ? 1 : 0).run();
}

async function userIdOf(client: TestClient, accessToken: string): Promise<string> {
  return ((await (await getMe(client, accessToken)).json()) as { user: { id: string } }).user.id;
}

async function sessionCount(userId: string): Promise<number> {
  const row = await databaseForKey(env, userId).prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1').bind(userId).first<{ n: number }>();
  return row?.n ?? 0;
}

async function identitySubjects(userId: string): Promise<string[]> {
  const { results } = await databaseForKey(env, userId).prepare('SELECT subject FROM identities WHERE user_id = ?1').bind(userId).all<{ subject: string }>();
  return results.map((row) => row.subject);
}

async function linkedEvents(userId: string): Promise<number> {
  const row = await databaseForKey(env, userId).prepare("SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1 AND type = 'identity_linked'").bind(userId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Rows about this address or provider login on every shard: users, identities, directory entries, events of such users. */
async function rowsAbout(login: string): Promise<number> {
  let total = 0;
  for (const { db } of allShardDatabases(env)) {
    const row = await db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM users WHERE email = ?1)
              + (SELECT COUNT(*) FROM identities WHERE subject = ?1 OR email = ?1)
              + (SELECT COUNT(*) FROM directory WHERE key IN ('email:' || ?1, 'identity:local:' || ?1))
              + (SELECT COUNT(*) FROM auth_events WHERE user_id IN (SELECT id FROM users WHERE email = ?1)) AS n`,
      )
      .bind(login)
      .first<{ n: number }>();
    total += row?.n ?? 0;
  }
  return total;
}

/** The mfa_token of a callback that stopped at the second step, after checking the redirect's shape. */
function mfaTokenOf(response: Response): string {
  const location = new URL(response.headers.get('Location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(APP_URL);
  const fragment = new URLSearchParams(location.hash.slice(1));
  expect(fragment.get('error')).toBe('mfa_required');
  const token = fragment.get('mfa_token');
  expect(token).toMatch(/^\S{20,}$/);
  return token ?? '';
}

function setsRefreshCookie(response: Response): boolean {
  return response.headers.getSetCookie().some((line) => line.startsWith('__Host-edge_auth_refresh=') && !line.includes('Max-Age=0'));
}

/** A provider-made account with TOTP turned on from its own session. */
async function providerAccountWithTotp(client: TestClient) {
  const login = providerLogin('verified');
  const { accessToken } = await providerSession(client, 'local', login);
  const userId = await userIdOf(client, accessToken);
  // A provider-made account has no password: its provider sign-in of a moment ago is the proof.
  const totp = await enableTotp(client, { accessToken }, {});
  return { login, userId, totp };
}

/** A password account on a provider-verified address, verified, with TOTP on: the provider will link to it automatically. */
async function passwordAccountWithTotp(client: TestClient) {
  const login = providerLogin('verified');
  const user = await signUpAndLogIn(client, { email: login });
  await setVerified(user.userId, true);
  const totp = await enableTotp(client, user);
  return { login, userId: user.userId, totp };
}

describe('provider sign-in: a provider that does not assert a verified address', () => {
  it('makes no account and writes nothing: no user, no identity, no directory entry, no event (#error=email_not_verified)', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('unverified');
    const { response } = await signInWithProvider(client, 'local', { login });
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=email_not_verified`);
    expect(setsRefreshCookie(response)).toBe(false);
    expect(await rowsAbout(login)).toBe(0);
  });

  it('still makes the account when the provider asserts the address verified (the control)', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin('verified');
    const { response } = await signInWithProvider(client, 'local', { login });
    expect(response.headers.get('Location')).toBe(APP_URL);
    expect(await rowsAbout(login)).toBeGreaterThanOrEqual(4);
  });
});

describe('REQUIRE_EMAIL_VERIFICATION: no way in opens a session for an unverified address', () => {
  it('refuses a passkey sign-in of an unverified account with 403 email_not_verified and opens no session', async () => {
    const { plain, strict } = clients();
    const user = await signUpAndLogIn(plain);
    await setVerified(user.userId, true);
    const authenticator = await addPasskey(plain, user.accessToken);
    // An address that is (again) unverified, as on an account from before the enrolment rule.
    await setVerified(user.userId, false);
    const sessionsBefore = await sessionCount(user.userId);
    const refused = await signInWithPasskey(strict, authenticator);
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('email_not_verified');
    expect(setsRefreshCookie(refused)).toBe(false);
    expect(await sessionCount(user.userId)).toBe(sessionsBefore);
    // The same passkey signs in once the address is verified.
    await setVerified(user.userId, true);
    expect((await signInWithPasskey(strict, authenticator)).status).toBe(200);
  });

  it('refuses a provider sign-in to an unverified account with #error=email_not_verified and opens no session', async () => {
    const { plain, strict } = clients();
    const login = providerLogin('verified');
    const { accessToken } = await providerSession(plain, 'local', login);
    const userId = await userIdOf(plain, accessToken);
    await setVerified(userId, false);
    const sessionsBefore = await sessionCount(userId);
    const { response } = await signInWithProvider(strict, 'local', { login });
    expect(response.headers.get('Location')).toBe(`${APP_URL}#error=email_not_verified`);
    expect(setsRefreshCookie(response)).toBe(false);
    expect(await sessionCount(userId)).toBe(sessionsBefore);
    // Without the setting the identity still signs in.
    expect((await signInWithProvider(plain, 'local', { login })).response.headers.get('Location')).toBe(APP_URL);
  });

  it('refuses the second step of an unverified account with 403 email_not_verified, even with the right code', async () => {
    const { plain, strict } = clients();
    const user = await signUpAndLogIn(plain);
    await setVerified(user.userId, true);
    const { secret } = await enableTotp(plain, user);
    await setVerified(user.userId, false);
    // The token was earned before the setting applied (or the address lost its proof since).
    const mfaToken = await passwordStep(plain, user.email, user.password);
    const sessionsBefore = await sessionCount(user.userId);
    const refused = await mfaStep(strict, mfaToken, { code: await codeAt(strict, secret) });
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('email_not_verified');
    expect(await sessionCount(user.userId)).toBe(sessionsBefore);
    // The code was not used up: the same token and code sign in where the setting is off.
    expect((await mfaStep(plain, mfaToken, { code: await codeAt(plain, secret) })).status).toBe(200);
  });
});

describe('provider sign-in to an account with TOTP on: the second step', () => {
  it('answers #error=mfa_required with an mfa_token, opens no session and sets no cookie', async () => {
    const client = createOAuthTestClient();
    const { login, userId } = await providerAccountWithTotp(client);
    const sessionsBefore = await sessionCount(userId);
    const { response } = await signInWithProvider(client, 'local', { login });
    expect(response.status).toBe(302);
    mfaTokenOf(response);
    expect(errorOf(response)).toBe('mfa_required');
    expect(setsRefreshCookie(response)).toBe(false);
    expect(await sessionCount(userId)).toBe(sessionsBefore);
  });

  it('completes with the code: a session whose amr is fed, otp, mfa; the token then works no more', async () => {
    const client = createOAuthTestClient();
    const { login, userId, totp } = await providerAccountWithTotp(client);
    const mfaToken = mfaTokenOf((await signInWithProvider(client, 'local', { login })).response);
    const done = await mfaStep(client, mfaToken, { code: await codeAt(client, totp.secret) }, { token_delivery: 'body' });
    expect(done.status).toBe(200);
    const { access_token: accessToken } = (await done.json()) as { access_token: string };
    expect(decodeToken(accessToken).payload).toMatchObject({ sub: userId, amr: ['fed', 'otp', 'mfa'] });
    const again = await mfaStep(client, mfaToken, { code: await codeAt(client, totp.secret, 1) });
    expect(await errorCode(again)).toBe('invalid_mfa_token');
  });

  it('completes with a recovery code: amr fed, mfa', async () => {
    const client = createOAuthTestClient();
    const { login, totp } = await providerAccountWithTotp(client);
    const mfaToken = mfaTokenOf((await signInWithProvider(client, 'local', { login })).response);
    const done = await mfaStep(client, mfaToken, { recovery_code: totp.recoveryCodes[0] ?? '' }, { token_delivery: 'body' });
    expect(done.status).toBe(200);
    expect(decodeToken(((await done.json()) as { access_token: string }).access_token).payload.amr).toEqual(['fed', 'mfa']);
  });

  it('counts a wrong code towards the account lockout', async () => {
    const client = createOAuthTestClient({ vars: { LOGIN_MAX_FAILURES: '2' } });
    const { login, totp } = await providerAccountWithTotp(client);
    const mfaToken = mfaTokenOf((await signInWithProvider(client, 'local', { login })).response);
    for (let attempt = 0; attempt < 2; attempt++) expect(await errorCode(await mfaStep(client, mfaToken, { code: '000000' }))).toBe('invalid_mfa_code');
    const locked = await mfaStep(client, mfaToken, { code: await codeAt(client, totp.secret) });
    expect(locked.status).toBe(429);
  });

  it('links the identity of an automatic link only once the step succeeds, in the batch of its session', async () => {
    const client = createOAuthTestClient();
    const { login, userId, totp } = await passwordAccountWithTotp(client);
    const mfaToken = mfaTokenOf((await signInWithProvider(client, 'local', { login })).response);
    expect(await identitySubjects(userId)).toEqual([]);
    expect(await errorCode(await mfaStep(client, mfaToken, { code: '000000' }))).toBe('invalid_mfa_code');
    expect(await identitySubjects(userId)).toEqual([]);
    expect(await linkedEvents(userId)).toBe(0);

    const done = await mfaStep(client, mfaToken, { code: await codeAt(client, totp.secret) }, { token_delivery: 'body' });
    expect(done.status).toBe(200);
    expect(decodeToken(((await done.json()) as { access_token: string }).access_token).payload.amr).toEqual(['fed', 'otp', 'mfa']);
    expect(await identitySubjects(userId)).toEqual([login]);
    expect(await linkedEvents(userId)).toBe(1);

    // The linked identity signs in through the second step again, and links nothing more.
    client.clock.advanceSeconds(30);
    const next = mfaTokenOf((await signInWithProvider(client, 'local', { login })).response);
    expect((await mfaStep(client, next, { code: await codeAt(client, totp.secret) })).status).toBe(200);
    expect(await identitySubjects(userId)).toEqual([login]);
    expect(await linkedEvents(userId)).toBe(1);
  });

  it('leaves no link behind when the step is never completed', async () => {
    const clock = createTestClock();
    const client = createOAuthTestClient({ clock });
    const { login, userId, totp } = await passwordAccountWithTotp(client);
    const mfaToken = mfaTokenOf((await signInWithProvider(client, 'local', { login })).response);
    clock.advanceSeconds(301);
    expect(await errorCode(await mfaStep(client, mfaToken, { code: await codeAt(client, totp.secret) }))).toBe('invalid_mfa_token');
    expect(await identitySubjects(userId)).toEqual([]);
  });

  it('does not stop a passkey sign-in of an account with TOTP on (a passkey with user verification is two factors)', async () => {
    const client = createOAuthTestClient();
    const user = await signUpAndLogIn(client);
    await setVerified(user.userId, true);
    const authenticator = await addPasskey(client, user.accessToken);
    await enableTotp(client, user);
    const response = await signInWithPasskey(client, authenticator, {}, 'body');
    expect(response.status).toBe(200);
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    expect(decodeToken(accessToken).payload.amr).toContain('user');
  });
});
