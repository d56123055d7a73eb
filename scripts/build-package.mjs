#!/usr/bin/env node
// `npm run build`: compiles the package's public entry points (edge-auth/verify, ...) to dist/ as
// ES modules for Node 20+, Deno, Bun and bundlers, with .d.ts types. jose and hono stay external.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
console.log(`edge-auth: built ${Object.keys(ENTRY_POINTS).join(', ')} into dist/`);
