#!/usr/bin/env node
// `npm run build:openapi`: writes src/discovery/openapi.json, the document the worker serves (built here, at build
// time, so the worker carries neither the builder nor the JSON Schema converter). `--check` fails when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiText } from './lib/openapi-build.mjs';

const file = fileURLToPath(new URL('../src/discovery/openapi.json', import.meta.url));
const text = await buildOpenApiText();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('src/discovery/openapi.json is out of date with the routes in src/: run `npm run build:openapi` and commit it.');
    process.exit(1);
  }
  console.log('src/discovery/openapi.json matches the routes in src/.');
} else {
  writeFileSync(file, text);
  console.log(`wrote src/discovery/openapi.json (${text.length} bytes)`);
}
