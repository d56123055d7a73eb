// Recovery codes and mfa_tokens as values: enough randomness in every group, hashes bound to their user.
import { describe, expect, it } from 'vitest';
import { hashRecoveryCode, newRecoveryCode, normalizeRecoveryCode } from '../../src/auth/mfa-secrets';

describe('newRecoveryCode', () => {
  it('makes three groups of four base32 letters, each group varying from code to code', () => {
    const codes = Array.from({ length: 64 }, () => newRecoveryCode());
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(new Set(codes).size).toBe(codes.length);
    for (const group of [0, 1, 2]) expect(new Set(codes.map((code) => code.split('-')[group])).size).toBeGreaterThan(48);
  });

  it('reads back whatever the case, spaces and dashes the user typed', () => {
    const code = newRecoveryCode();
    expect(normalizeRecoveryCode(` ${code.toUpperCase().replaceAll('-', ' ')} `)).toBe(code);
    expect(normalizeRecoveryCode('not-a-code')).toBeNull();
  });
});

describe('hashRecoveryCode', () => {
  it('binds the hash to its user: the same code hashes differently for another account', async () => {
    const code = newRecoveryCode();
    expect(await hashRecoveryCode('00.alice', code)).not.toBe(await hashRecoveryCode('00.bob', code));
    expect(await hashRecoveryCode('00.alice', code)).toBe(await hashRecoveryCode('00.alice', code));
    expect(await hashRecoveryCode('00.alice', code)).toMatch(/^[0-9a-f]{64}$/);
  });
});
