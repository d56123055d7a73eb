// Builds the OpenAPI document from src/ in Node (esbuild bundles scripts/openapi-document.ts, then runs it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The server URL the committed document carries; the worker puts its own origin in its place when serving. */
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
