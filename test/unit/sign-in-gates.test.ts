// The sign-in gates of the account policy, at two depths: the decisions themselves, and the sign-in code that asks them
// (provider linking on the real D1, the amr of a completed second step, the callback's fragment).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { mayCreateAccountFromProvider, needsSecondStep, requireSignInAllowed, type SignInMethod } from '../../src/core/account-policy';
import { resolveProviderAccount } from '../../src/providers/identity-linking';
import { secondStepAmr } from '../../src/totp/second-factor';
import { AuthError } from '../../src/core/errors';
import { withErrorFragment } from '../../src/providers/redirect-target';
import { newUserId } from '../../src/core/ids';
import { hashPassword } from '../../src/password/hash';
import { allShardDatabases, databaseForKey, shardForEmail } from '../../src/storage/database';
import { insertUser } from '../../src/storage/users';
import { uniqueEmail } from '../helpers/client';

const METHODS: SignInMethod[] = ['password', 'passkey', 'provider', 'email_sign_in', 'second_step'];
const CLIENT = { ip: null, userAgent: null, country: null };
const NOW = 1_800_000_000;

function refusalOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

async function rowsAbout(email: string, subject: string): Promise<number> {
  let total = 0;
  for (const { db } of allShardDatabases(env)) {
    const row = await db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM users WHERE email = ?1) + (SELECT COUNT(*) FROM identities WHERE subject = ?2)
              + (SELECT COUNT(*) FROM directory WHERE key IN ('email:' || ?1, 'identity:local:' || ?2)) AS n`,
      )
      .bind(email, subject)
      .first<{ n: number }>();
    total += row?.n ?? 0;
  }
  return total;
}

describe('account policy: no account from an unverified provider address', () => {
  it('allows a new account only when the provider asserts the address verified', () => {
    expect(mayCreateAccountFromProvider(true)).toBe(true);
    expect(mayCreateAccountFromProvider(false)).toBe(false);
  });

  it('makes the provider linking write nothing for an unverified address, and a verified account for a verified one', async () => {
    const subject = crypto.randomUUID();
    const email = uniqueEmail('unverified-provider');
    expect(await resolveProviderAccount(env, 'local', { subject, email, emailVerified: false }, NOW, CLIENT)).toEqual({ kind: 'email_not_verified' });
    expect(await rowsAbout(email, subject)).toBe(0);
    const made = await resolveProviderAccount(env, 'local', { subject, email, emailVerified: true }, NOW, CLIENT);
    expect(made).toMatchObject({ kind: 'signed_in', linked: 'new_account', user: { email, emailVerified: true } });
  });

  it('leaves a first-time link to an existing verified account unwritten: the caller writes it with the session', async () => {
    const email = uniqueEmail('link-later');
    const userId = newUserId(await shardForEmail(env, email));
    await insertUser(env, { id: userId, email, passwordHash: await hashPassword('a perfectly fine passphrase'), createdAt: NOW });
    await databaseForKey(env, userId).prepare('UPDATE users SET email_verified = 1 WHERE id = ?1').bind(userId).run();
    const subject = crypto.randomUUID();
    const account = await resolveProviderAccount(env, 'local', { subject, email, emailVerified: true }, NOW, CLIENT);
    expect(account).toMatchObject({ kind: 'link', user: { id: userId }, identity: { userId, provider: 'local', subject, email } });
    const identities = await databaseForKey(env, userId).prepare('SELECT COUNT(*) AS n FROM identities WHERE user_id = ?1').bind(userId).first<{ n: number }>();
    expect(identities?.n).toBe(0);
  });
});

describe('account policy: REQUIRE_EMAIL_VERIFICATION holds for every sign-in method', () => {
  it.each(METHODS)('refuses %s for an unverified address when required', (method) => {
    expect(refusalOf(() => requireSignInAllowed({ emailVerified: false }, method, true))).toBe('email_not_verified');
  });

  it.each(METHODS)('lets %s through for a verified address, or when not required', (method) => {
    expect(refusalOf(() => requireSignInAllowed({ emailVerified: true }, method, true))).toBeNull();
    expect(refusalOf(() => requireSignInAllowed({ emailVerified: false }, method, false))).toBeNull();
  });
});

describe('account policy: the second step guards every way in but a passkey', () => {
  it('stops a password, provider and email sign-in with TOTP on, never a passkey or the step itself', () => {
    const stopped = METHODS.filter((method) => needsSecondStep({ totpEnabled: true }, method));
    expect(stopped).toEqual(['password', 'provider', 'email_sign_in']);
    expect(METHODS.filter((method) => needsSecondStep({ totpEnabled: false }, method))).toEqual([]);
  });

  it('names the first step in the amr of a completed second step (pwd or fed), then otp for a code, then mfa', () => {
    expect(secondStepAmr('pwd', 'totp')).toEqual(['pwd', 'otp', 'mfa']);
    expect(secondStepAmr('pwd', 'recovery_code')).toEqual(['pwd', 'mfa']);
    expect(secondStepAmr('fed', 'totp')).toEqual(['fed', 'otp', 'mfa']);
    expect(secondStepAmr('fed', 'recovery_code')).toEqual(['fed', 'mfa']);
  });

  it('puts the mfa_token of a stopped provider sign-in in the fragment, after the error, encoded', () => {
    const location = withErrorFragment('https://app.example.test/back?x=1', 'mfa_required', { mfa_token: '00.a+b/c=' });
    expect(location).toBe('https://app.example.test/back?x=1#error=mfa_required&mfa_token=00.a%2Bb%2Fc%3D');
    expect(new URLSearchParams(new URL(location).hash.slice(1)).get('mfa_token')).toBe('00.a+b/c=');
    expect(withErrorFragment('https://app.example.test/', 'account_exists')).toBe('https://app.example.test/#error=account_exists');
  });
});
