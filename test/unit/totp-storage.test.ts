// Enabling a TOTP factor in D1: the recovery codes are written only by the call that enabled it.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { databaseForKey } from '../../src/storage/database';
import { enableTotpFactor, savePendingTotpFactor } from '../../src/totp/totp-factor-rows';
import { createTestClient, signUpAndLogIn } from '../helpers/client';

const NOW = 1_800_000_000;

async function storedCodes(userId: string): Promise<string[]> {
  const rows = await databaseForKey(env, userId).prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?1').bind(userId).all<{ code_hash: string }>();
  return rows.results.map((row) => row.code_hash).sort();
}

describe('enableTotpFactor', () => {
  it('stores the codes of the call that enabled the factor, and none of a second call for the same step', async () => {
    const user = await signUpAndLogIn(createTestClient());
    expect(await savePendingTotpFactor(databaseForKey(env, user.userId), user.userId, 'sealed-secret', NOW)).toBe(true);
    const first = Array.from({ length: 10 }, (_, index) => `first-${index}`);
    const second = Array.from({ length: 10 }, (_, index) => `second-${index}`);
    expect(await enableTotpFactor(databaseForKey(env, user.userId), user.userId, 100, first, NOW)).toBe(true);
    expect(await enableTotpFactor(databaseForKey(env, user.userId), user.userId, 100, second, NOW)).toBe(false);
    expect(await enableTotpFactor(databaseForKey(env, user.userId), user.userId, 101, second, NOW)).toBe(false);
    expect(await storedCodes(user.userId)).toEqual([...first].sort());
  });

  it('refuses a step not newer than the last one used, and then stores no code', async () => {
    const user = await signUpAndLogIn(createTestClient());
    await savePendingTotpFactor(databaseForKey(env, user.userId), user.userId, 'sealed-secret', NOW);
    expect(await enableTotpFactor(databaseForKey(env, user.userId), user.userId, 0, ['only'], NOW)).toBe(false);
    expect(await storedCodes(user.userId)).toEqual([]);
  });
});
