// Runs edge-auth (bundled from src/index.ts) in Miniflare beside other Workers, for multi-Worker tests in Node.
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import { build } from 'esbuild';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { generateSigningJwk } from '../../scripts/lib/signing-keys.mjs';

export const COMPATIBILITY_DATE = '2026-11-01';
export const EDGE_AUTH_ISSUER = 'https://auth.example.test';

/** One Worker in Miniflare's (v4-style) options: name, script, bindings. */
export type WorkerOptions = { name: string } & Record<string, unknown>;

/** Bundles a Worker entry point (TypeScript, npm imports) into one ES module, as wrangler would. */
export async function bundleWorker(entryPoint: string): Promise<string> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*'],
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${entryPoint}`);
  return output.text;
}

/**
 * Starts Miniflare with `otherWorkers` first (dispatchFetch reaches the first one) and edge-auth,
 * named "edge-auth", with its own D1 (migrated) and KV, a fresh ES256 key and JWT_ISSUER set.
 */
export async function startWithEdgeAuth(otherWorkers: WorkerOptions[]): Promise<Miniflare> {
  const keys = { keys: [await generateSigningJwk('ES256')] };
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        ...otherWorkers,
        {
          name: 'edge-auth',
          modules: true,
          script: await bundleWorker('src/index.ts'),
          compatibilityDate: COMPATIBILITY_DATE,
          d1Databases: ['DB'],
          kvNamespaces: ['KV'],
          ratelimits: { IP_RATE_LIMITER: { namespace_id: '1201', simple: { limit: 60, period: 60 } } },
          bindings: {
            JWT_SIGNING_KEYS: JSON.stringify(keys),
            JWT_ISSUER: EDGE_AUTH_ISSUER,
            // Served on a non-loopback host, so mail goes through the simulated Email Sending binding.
            MAIL_TRANSPORT: 'cloudflare',
            MAIL_FROM: 'no-reply@auth.example.test',
          },
          email: { send_email: [{ name: 'EMAIL' }] },
          queueProducers: { MAIL_QUEUE: { queueName: 'edge-auth-mail' } },
          queueConsumers: { 'edge-auth-mail': { maxBatchTimeout: 1 } },
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  const db = await miniflare.getD1Database('DB', 'edge-auth');
  for (const migration of await readD1Migrations('./migrations')) {
    await db.batch(migration.queries.map((query) => db.prepare(query)));
  }
  return miniflare;
}

/** Sends a request to the edge-auth Worker. */
export async function fetchEdgeAuth(miniflare: Miniflare, path: string, init: RequestInit = {}): Promise<Response> {
  const worker = await miniflare.getWorker('edge-auth');
  return (await worker.fetch(`${EDGE_AUTH_ISSUER}${path}`, init as never)) as unknown as Response;
}

/** Registers a new user on edge-auth and logs in with body delivery. */
export async function signUpAndLogInOnEdgeAuth(miniflare: Miniflare): Promise<{ accessToken: string; refreshToken: string }> {
  const email = `mf-${crypto.randomUUID()}@example.test`;
  const password = 'a miniflare passphrase';
  const json = { 'Content-Type': 'application/json' };
  const registered = await fetchEdgeAuth(miniflare, '/auth/register', { method: 'POST', headers: json, body: JSON.stringify({ email, password }) });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status}`);
  const login = await fetchEdgeAuth(miniflare, '/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ email, password, token_delivery: 'body' }) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  const body = (await login.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** Logs a session out on edge-auth with its refresh token (raises the KV flag). */
export async function logOutOnEdgeAuth(miniflare: Miniflare, refreshToken: string): Promise<number> {
  const response = await fetchEdgeAuth(miniflare, '/auth/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh_token: refreshToken }) });
  return response.status;
}
