// The source tree's shape: a folder per capability over a shared floor, imports only running downward, no crowded folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** What each floor below the capabilities may import (besides itself). */
const FLOORS: Record<string, readonly string[]> = {
  core: [],
  storage: ['core'],
  tokens: ['core', 'storage'],
  http: ['core', 'storage', 'tokens'],
  // The published packages: no Hono app, no D1, no capability.
  verify: ['core', 'tokens', 'http'],
  client: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The top-level place a file is in: its folder under src/, or `root` for src/*.ts. */
function placeOf(path: string): string {
  const parts = relative(src, path).split('/');
  return parts.length === 1 ? 'root' : (parts[0] ?? 'root');
}

function importedPlaces(file: string): { specifier: string; place: string }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => {
    const specifier = match[1] ?? '';
    return { specifier, place: placeOf(resolve(dirname(file), specifier)) };
  });
}

describe('the source layout', () => {
  it('keeps at most 20 files directly in any folder under src/', () => {
    const crowded: string[] = [];
    const visit = (dir: string) => {
      const entries = readdirSync(dir);
      const files = entries.filter((name) => !statSync(join(dir, name)).isDirectory());
      if (dir !== src && files.length > 20) crowded.push(`${relative(src, dir)}: ${files.length}`);
      for (const name of entries) if (statSync(join(dir, name)).isDirectory()) visit(join(dir, name));
    };
    visit(src);
    expect(crowded).toEqual([]);
  });

  it('imports only downward: the shared floor never reaches up into a capability or the app', () => {
    const upward: string[] = [];
    for (const file of sourceFiles(src)) {
      const place = placeOf(file);
      const allowed = FLOORS[place];
      for (const { specifier, place: target } of importedPlaces(file)) {
        if (target === place) continue;
        // A capability may use the floor and other capabilities' exports, never the app (src/*.ts) that lists them.
        const ok = allowed ? allowed.includes(target) : target !== 'root';
        if (!ok) upward.push(`${relative(src, file)} -> ${specifier}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('lists every capability folder in the app, one line each', () => {
    const app = readFileSync(join(src, 'app.ts'), 'utf8');
    const listed = app.slice(app.indexOf('export const CAPABILITIES'), app.indexOf('];', app.indexOf('export const CAPABILITIES')));
    const capabilities = readdirSync(src)
      .filter((name) => statSync(join(src, name)).isDirectory())
      .flatMap((folder) => {
        const index = join(src, folder, 'index.ts');
        try {
          const match = /export const (\w+Capability): Capability/.exec(readFileSync(index, 'utf8'));
          return match ? [match[1]] : [];
        } catch {
          return [];
        }
      });
    expect(capabilities.length).toBeGreaterThanOrEqual(8);
    for (const name of capabilities) expect(listed, name).toMatch(new RegExp(`^\\s+${name},$`, 'm'));
  });
});
