// `npm run keygen` prints a usable private JWK Set for each algorithm.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function keygen(...args: string[]): string {
  return execFileSync(process.execPath, ['scripts/keygen.mjs', ...args], { encoding: 'utf8' });
}

describe('npm run keygen', () => {
  it.each(['EdDSA', 'ES256', 'RS256'])('prints a private %s JWK Set with kid and alg', (alg) => {
    const set = JSON.parse(keygen('--alg', alg)) as { keys: Record<string, string>[] };
    expect(set.keys).toHaveLength(1);
    const [key] = set.keys;
    expect(key?.alg).toBe(alg);
    expect(key?.kid).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(typeof key?.d).toBe('string');
  });

  it('refuses an algorithm it does not support', () => {
    expect(() => keygen('--alg', 'HS256')).toThrow();
  });
});
