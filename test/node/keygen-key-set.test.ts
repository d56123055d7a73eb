// `npm run keygen` edits an existing key set for the rotation runbook: add (front or back), promote, retire.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type KeySet = { keys: Record<string, string>[] };

function keygen(...args: string[]): KeySet {
  return JSON.parse(execFileSync(process.execPath, ['scripts/keygen.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as KeySet;
}

function writeSet(set: KeySet): string {
  const path = join(mkdtempSync(join(tmpdir(), 'keygen-')), 'keys.json');
  writeFileSync(path, JSON.stringify(set));
  return path;
}

describe('npm run keygen on an existing key set', () => {
  it('adds a new key at the back by default, so the current key keeps signing', () => {
    const original = keygen('--alg', 'EdDSA');
    const grown = keygen('--alg', 'ES256', '--add-to', writeSet(original));
    expect(grown.keys.map((key) => key.kid)[0]).toBe(original.keys[0]?.kid);
    expect(grown.keys[1]?.alg).toBe('ES256');
  });

  it('adds a new key in front with --front', () => {
    const original = keygen('--alg', 'EdDSA');
    const grown = keygen('--alg', 'RS256', '--add-to', writeSet(original), '--front');
    expect(grown.keys.map((key) => key.alg)).toEqual(['RS256', 'EdDSA']);
  });

  it('promotes a key to the front and retires another', () => {
    const path = writeSet(keygen('--alg', 'ES256', '--add-to', writeSet(keygen('--alg', 'EdDSA'))));
    const [oldKey, newKey] = JSON.parse(readFileSync(path, 'utf8')).keys as Record<string, string>[];
    const promoted = keygen('--promote', String(newKey?.kid), '--in', path);
    expect(promoted.keys.map((key) => key.kid)).toEqual([newKey?.kid, oldKey?.kid]);
    const retired = keygen('--retire', String(oldKey?.kid), '--in', writeSet(promoted));
    expect(retired.keys.map((key) => key.kid)).toEqual([newKey?.kid]);
  });

  it('refuses to retire the signing key, an unknown kid, or a file that is not a key set', () => {
    const path = writeSet(keygen('--alg', 'EdDSA'));
    const [signing] = (JSON.parse(readFileSync(path, 'utf8')) as KeySet).keys;
    expect(() => keygen('--retire', String(signing?.kid), '--in', path)).toThrow(/promote another key/);
    expect(() => keygen('--promote', 'nope', '--in', path)).toThrow(/no kid/);
    expect(() => keygen('--alg', 'ES256', '--add-to', writeSet({ nope: [] } as unknown as KeySet))).toThrow(/keys/);
  });
});
