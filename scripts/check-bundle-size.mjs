#!/usr/bin/env node
// Bundle budget: build the worker exactly as `wrangler deploy` would (`--dry-run
// --outdir dist`, offline), gzip every module it would upload, and fail when the
// total exceeds the budget. The budget and the measured size are in docs/performance.md.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Gzipped size the uploaded worker may reach. Raise it only with a reason in docs/performance.md. */
export const BUNDLE_BUDGET_GZIP_BYTES = 124 * 1024;

const root = fileURLToPath(new URL('..', import.meta.url));
// dist/worker only: dist/demo (static assets) and dist/lib (the package) belong to other builds.
const outdir = join(root, 'dist', 'worker');
const UPLOADED_MODULE = /\.(m?js|wasm)$/;

rmSync(outdir, { recursive: true, force: true });
const build = spawnSync('wrangler', ['deploy', '--dry-run', '--outdir', outdir, ...process.argv.slice(2)], {
  cwd: root,
  encoding: 'utf8',
  // The project's wrangler on the Node running this script, also outside `npm run`.
  env: { ...process.env, PATH: [dirname(process.execPath), join(root, 'node_modules/.bin'), process.env.PATH].join(delimiter), WRANGLER_SEND_METRICS: 'false' },
  shell: process.platform === 'win32',
});
if (build.status !== 0) {
  console.error(build.error?.message ?? `${build.stdout}\n${build.stderr}`);
  console.error('bundle:check: the dry-run build failed');
  process.exit(1);
}

const modules = readdirSync(outdir).filter((name) => UPLOADED_MODULE.test(name));
let rawBytes = 0;
let gzipBytes = 0;
for (const name of modules) {
  const content = readFileSync(join(outdir, name));
  rawBytes += content.length;
  gzipBytes += gzipSync(content, { level: 9 }).length;
}
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const summary = `${modules.length} module(s), ${kib(rawBytes)} raw, ${kib(gzipBytes)} gzipped; budget ${kib(BUNDLE_BUDGET_GZIP_BYTES)} gzipped`;
if (modules.length === 0 || gzipBytes > BUNDLE_BUDGET_GZIP_BYTES) {
  console.error(`bundle:check: over budget: ${summary}`);
  process.exit(1);
}
console.log(`bundle:check: ok: ${summary}`);
