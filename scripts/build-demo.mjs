#!/usr/bin/env node
// `npm run build:demo`: bundles the demo page (with the client SDK from source) and the OpenAPI document into dist/demo,
// which Workers static assets serve. wrangler runs it before `wrangler dev` and `wrangler deploy`
// ([build] in wrangler.toml). It touches dist/demo only: the package build owns dist/lib.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeOpenApiAsset } from './lib/openapi-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoOut = `${root}dist/demo`;
const STATIC_DEMO_FILES = ['index.html', 'verify-email.html', 'reset-password.html', 'styles.css', '_headers'];
// Each page script, bundled on its own: the demo app and the page that link emails open.
const PAGE_SCRIPTS = ['app', 'link-page'];

rmSync(demoOut, { recursive: true, force: true });
mkdirSync(demoOut, { recursive: true });
for (const page of PAGE_SCRIPTS) {
  await build({
    entryPoints: [`${root}demo/${page}.ts`],
    outfile: `${demoOut}/${page}.js`,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    legalComments: 'none',
    platform: 'browser',
    minify: true,
  });
}
for (const file of STATIC_DEMO_FILES) copyFileSync(`${root}demo/${file}`, `${demoOut}/${file}`);
// The hosted sign-in page's stylesheet and passkey script: static assets on the worker's origin, so they cost the worker's bundle nothing.
mkdirSync(`${demoOut}/sign-in`, { recursive: true });
for (const file of ['sign-in/style.css', 'sign-in/passkey.js']) copyFileSync(`${root}demo/${file}`, `${demoOut}/${file}`);
// The OpenAPI document, built here rather than in the worker: the worker reads it through its ASSETS binding.
await writeOpenApiAsset();
