#!/usr/bin/env node
// `npm run build:client`: bundles the SDK (dist/client, the `edge-auth/client`
// export) and the demo page (dist/demo, served by Workers static assets).
// wrangler runs it before `wrangler dev` and `wrangler deploy` ([build] in wrangler.toml).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoOut = `${root}dist/demo`;
const STATIC_DEMO_FILES = ['index.html', 'verify-email.html', 'reset-password.html', 'styles.css', '_headers'];

const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', legalComments: 'none' };

await build({ ...common, entryPoints: [`${root}src/client/index.ts`], outfile: `${root}dist/client/index.js`, platform: 'neutral' });

rmSync(demoOut, { recursive: true, force: true });
mkdirSync(demoOut, { recursive: true });
await build({ ...common, entryPoints: [`${root}demo/app.ts`], outfile: `${demoOut}/app.js`, platform: 'browser', minify: true });
await build({ ...common, entryPoints: [`${root}demo/link-page.ts`], outfile: `${demoOut}/link-page.js`, platform: 'browser', minify: true });
for (const file of STATIC_DEMO_FILES) copyFileSync(`${root}demo/${file}`, `${demoOut}/${file}`);
