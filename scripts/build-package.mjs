#!/usr/bin/env node
// `npm run build`: compiles the package's public entry points (edge-auth/verify, ...) to dist/ as
// ES modules for Node 20+, Deno, Bun and bundlers, with .d.ts types. jose and hono stay external.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Public entry points: dist/<name>.js from src/<file>. Add new subpath exports here and in package.json. */
export const ENTRY_POINTS = {
  'verify/index': 'src/verify/index.ts',
  'verify/hono': 'src/verify/hono.ts',
};

rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ENTRY_POINTS,
  outdir: 'dist',
  bundle: true,
  // Shared modules go to one chunk, so error classes are the same in every entry (instanceof works).
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['jose', 'hono'],
  logLevel: 'warning',
});
const types = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (types.status !== 0) process.exit(types.status ?? 1);
addExtensionsToDeclarations(`${root}dist/types`);
console.log(`edge-auth: built ${Object.keys(ENTRY_POINTS).join(', ')} into dist/`);

/**
 * The sources import without extensions (bundler style); Node16/NodeNext consumers need
 * "./x.js" in .d.ts files too, so relative specifiers are rewritten after tsc.
 */
function addExtensionsToDeclarations(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8').replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)(['"])/g, (match, before, specifier, after) => {
      if (/\.(js|mjs|cjs)$/.test(specifier)) return match;
      const target = join(dirname(file), specifier);
      if (existsSync(`${target}.d.ts`)) return `${before}${specifier}.js${after}`;
      if (existsSync(join(target, 'index.d.ts'))) return `${before}${specifier}/index.js${after}`;
      return match;
    });
    writeFileSync(file, text);
  }
}
