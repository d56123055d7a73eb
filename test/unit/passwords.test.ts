// Password hashing parameters, format, verification and policy.
import { describe, expect, it } from 'vitest';
import {
  CURRENT_PASSWORD_PARAMETERS,
  PBKDF2_MAX_ITERATIONS_IN_PRODUCTION,
  hashPassword,
  needsRehash,
  parseHash,
  verifyPassword,
} from '../../src/password/hash';
import { findPasswordWeakness } from '../../src/password/policy';

describe('password hashing', () => {
  it('stays inside what production Workers accept: PBKDF2 at most 100,000 iterations', () => {
    expect(PBKDF2_MAX_ITERATIONS_IN_PRODUCTION).toBe(100_000);
    expect(CURRENT_PASSWORD_PARAMETERS.iterations).toBeLessThanOrEqual(100_000);
    expect(CURRENT_PASSWORD_PARAMETERS.iterations).toBeGreaterThanOrEqual(100_000);
    expect(CURRENT_PASSWORD_PARAMETERS.saltBytes).toBeGreaterThanOrEqual(16);
  });

  it('writes a self-describing PHC string and verifies only the right password', async () => {
    const stored = await hashPassword('hunter2 but longer');
    expect(stored).toMatch(/^\$pbkdf2-sha256\$i=100000\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword('hunter2 but longer', stored)).toBe(true);
    expect(await verifyPassword('hunter2 but longeR', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'));
  });

  it('treats composed and decomposed Unicode as the same password (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait');
    expect(await verifyPassword('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('flags hashes made with other parameters for re-hashing', async () => {
    const old = await hashPassword('password for rehash', { ...CURRENT_PASSWORD_PARAMETERS, iterations: 1000 });
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('password for rehash'))).toBe(false);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('refuses to verify a stored hash whose iterations production would reject', () => {
    expect(parseHash('$pbkdf2-sha256$i=100001$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
  });

  it('never matches a malformed stored hash', async () => {
    expect(await verifyPassword('anything at all', '$argon2id$v=19$m=65536,t=3,p=4$abc$def')).toBe(false);
  });
});

describe('password policy', () => {
  it('accepts 8 to 128 characters with no composition rules', () => {
    expect(findPasswordWeakness('abcdefgq')).toBeNull();
    expect(findPasswordWeakness('z'.repeat(128))).toBeNull();
  });

  it('counts characters, not bytes', () => {
    expect(findPasswordWeakness('🔑🔑🔑🔑🔑🔑🔑🔑')).toBeNull();
    expect(findPasswordWeakness('🔑'.repeat(129))).not.toBeNull();
  });

  it('refuses the most common passwords in any letter case', () => {
    expect(findPasswordWeakness('PASSWORD1')).not.toBeNull();
    expect(findPasswordWeakness('qwertyuiop')).not.toBeNull();
  });

  it('refuses the account’s own email as its password', () => {
    expect(findPasswordWeakness('me@example.test', 'me@example.test')).not.toBeNull();
  });
});
