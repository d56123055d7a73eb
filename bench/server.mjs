// Builds the bench worker with esbuild and serves it straight from workerd through Miniflare, with local D1 and KV.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { findFreePort } from '../test/support/dev-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const COMPATIBILITY_DATE = '2026-11-01';

async function bundleBenchWorker() {
  const result = await build({
    entryPoints: [join(root, 'bench/worker.ts')],
    outfile: 'worker.mjs',
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'warning',
  });
  const [output] = result.outputFiles;
  return output.text;
}

async function applyMigrations(miniflare) {
  const db = await miniflare.getD1Database('DB');
  for (const migration of await readD1Migrations(join(root, 'migrations'))) {
    await db.batch(migration.queries.map((query) => db.prepare(query)));
  }
}

/**
 * Starts the bench worker on a free loopback port with in-memory D1 and KV,
 * migrations applied. `vars` are the worker's variables (strings).
 * Resolves to { url, stop }.
 */
export async function startBenchServer(vars) {
  const textBindings = Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: 'text', value }]));
  const miniflare = new Miniflare({
    host: '127.0.0.1',
    port: await findFreePort(),
    // The service's structured log lines are not part of the measurement.
    handleStructuredLogs: () => undefined,
    workers: [
      {
        config: {
          name: 'edge-auth-bench',
          compatibilityDate: COMPATIBILITY_DATE,
          manifest: { mainModule: 'worker.mjs', modules: { 'worker.mjs': { type: 'esm', contents: await bundleBenchWorker() } } },
          env: {
            DB: { type: 'd1' },
            KV: { type: 'kv' },
            // The per-IP limit as wrangler.toml binds it.
            IP_RATE_LIMITER: { type: 'rate-limit', namespace: '1201', simple: { limit: 60, period: 60 } },
            // Register queues a verification mail; the bench measures the answer, so nothing consumes the queue.
            MAIL_QUEUE: { type: 'queue', name: 'edge-auth-mail' },
            ...textBindings,
          },
        },
      },
    ],
  });
  const url = (await miniflare.ready).origin;
  await applyMigrations(miniflare);
  return { url, stop: () => miniflare.dispose() };
}
