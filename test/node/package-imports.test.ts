// The published entries stay free of the worker's libraries: a consumer installs jose and hono, never @oslojs, arctic or valibot.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every file an entry pulls in (the packages named in `external` are left out and listed apart). */
async function inputsOf(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    external: ['jose', 'hono', 'hono/*'],
    logLevel: 'silent',
  });
  const files = Object.keys(result.metafile.inputs);
  const packages = [...new Set(Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((item) => item.external).map((item) => item.path)))];
  return { files, packages };
}

describe('the package entries and what they import', () => {
  it('the client SDK reads only its own folder and no library', async () => {
    const { files, packages } = await inputsOf('src/client/index.ts');
    expect(files.filter((file) => !file.startsWith('src/client/'))).toEqual([]);
    expect(packages).toEqual([]);
  });

  it.each(['src/verify/index.ts', 'src/verify/hono.ts'])('%s bundles no file of node_modules and imports only jose and hono', async (entry) => {
    const { files, packages } = await inputsOf(entry);
    expect(files.filter((file) => file.includes('node_modules'))).toEqual([]);
    expect(packages.every((name) => name === 'jose' || name === 'hono' || name.startsWith('hono/'))).toBe(true);
  });
});
