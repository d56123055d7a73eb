// Recovery codes and mfa_tokens as values: enough randomness in every group, hashes bound to their user.
import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCode, normalizeRecoveryCode } from '../../src/totp/mfa-secrets';

describe('newRecoveryCode', () => {
  it('makes four groups of four base32 letters, each group varying from code to code', () => {
    const codes = Array.from({ length: 64 }, () => newRecoveryCode());
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
    for (const group of [0, 1, 2, 3]) expect(new Set(codes.map((code) => code.split('-')[group])).size).toBeGreaterThan(48);
  });

  it('reads back whatever the case, spaces and dashes the user typed', () => {
    const code = newRecoveryCode();
    expect(normalizeRecoveryCode(` ${code.toUpperCase().replaceAll('-', ' ')} `)).toBe(code);
    expect(normalizeRecoveryCode('not-a-code')).toBeNull();
  });
});

/** A KEY_ENCRYPTION_SECRET of the length config demands. */
const SECRET = 'a test key encryption secret of 32+ characters';

describe('hashRecoveryCode', () => {
  it('binds the hash to its user: the same code hashes differently for another account', async () => {
    const code = newRecoveryCode();
    expect(await hashRecoveryCode('00.alice', code, SECRET)).not.toBe(await hashRecoveryCode('00.bob', code, SECRET));
    expect(await hashRecoveryCode('00.alice', code, SECRET)).toBe(await hashRecoveryCode('00.alice', code, SECRET));
    expect(await hashRecoveryCode('00.alice', code, SECRET)).toMatch(/^[0-9a-f]{64}$/);
  });
});
