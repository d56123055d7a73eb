// Builds the OpenAPI document from src/ in Node (esbuild bundles scripts/openapi-document.ts, then runs it).
// The build writes it among the static assets, where the worker reads it through its ASSETS binding.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The server URL the built document carries; the worker puts its own origin in its place when serving. */
export const PLACEHOLDER_SERVER_URL = 'https://edge-auth.invalid';

/** The document's JSON text, as the route registry and the schemas in src/ describe it today. */
export async function buildOpenApiText(serverUrl = PLACEHOLDER_SERVER_URL) {
  const directory = mkdtempSync(join(tmpdir(), 'edge-auth-openapi-'));
  try {
    const bundle = join(directory, 'openapi-document.mjs');
    await build({
      entryPoints: [join(root, 'scripts/openapi-document.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['cloudflare:*'],
      logLevel: 'warning',
    });
    const printed = spawnSync(process.execPath, [bundle, serverUrl], { encoding: 'utf8' });
    if (printed.status !== 0) throw new Error(`building the document failed: ${printed.stderr}`);
    return printed.stdout;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Where the build puts the document: a static asset the worker reads (wrangler.toml routes /openapi.json to the worker first). */
export const OPENAPI_ASSET = join(root, 'dist/demo/openapi.json');

/** Builds the document and writes it to `OPENAPI_ASSET`; returns its size in bytes. */
export async function writeOpenApiAsset() {
  const text = await buildOpenApiText();
  mkdirSync(join(root, 'dist/demo'), { recursive: true });
  writeFileSync(OPENAPI_ASSET, text);
  return text.length;
}
