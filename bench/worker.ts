// Bench-only worker entry: the real app, plus the floor, verify-only, peer and measurement routes. Never deployed.

import { createApp } from '../src/app';
import type { Bindings } from '../src/http/app-env';
import { instrumentBindings, type InstrumentedBindings } from '../test/helpers/bindings';
import { measureCpuPerOperation } from './cpu-timing';
import { createBenchRoutes } from './routes';

/** Variables the bench adds: one private key per algorithm for the CPU timings. */
export interface BenchBindings extends Bindings {
  BENCH_KEYS: string;
}

const app = createApp();
const benchRoutes = createBenchRoutes();
// Load runs send every request from 127.0.0.1, so they lift the per-IP limit;
// counted requests keep the defaults (the limit is the Rate Limiting binding: no D1 or KV to count).
const LOAD_OVERRIDES = { IP_RATE_LIMIT_PER_MINUTE: '0' };
// One copy of each environment per isolate, so config parsing stays cached.
const loadEnvironments = new WeakMap<object, BenchBindings>();
const countedEnvironments = new WeakMap<object, { env: BenchBindings; storage: InstrumentedBindings }>();

function loadEnvironment(env: BenchBindings): BenchBindings {
  let loadEnv = loadEnvironments.get(env);
  if (!loadEnv) {
    loadEnv = { ...env, ...LOAD_OVERRIDES };
    loadEnvironments.set(env, loadEnv);
  }
  return loadEnv;
}

function countedEnvironment(env: BenchBindings): { env: BenchBindings; storage: InstrumentedBindings } {
  let counted = countedEnvironments.get(env);
  if (!counted) {
    const storage = instrumentBindings(env.DB, env.KV);
    counted = { env: { ...env, DB: storage.DB, KV: storage.KV }, storage };
    countedEnvironments.set(env, counted);
  }
  return counted;
}

export default {
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === '/__bench/cpu') {
      const loadEnv = loadEnvironment(env);
      const authorization = request.headers.get('Authorization') ?? '';
      const send = (handler: { fetch: typeof app.fetch }, path: string) => async () =>
        handler.fetch(new Request(new URL(path, request.url), { headers: { Authorization: authorization } }), loadEnv, ctx);
      return Response.json(
        await measureCpuPerOperation(env.BENCH_KEYS, {
          'plain Hono request (the bare floor route)': send(benchRoutes, '/__bench/bare'),
          'app request overhead (GET /health through the app)': send(app, '/health'),
          'verify-only route, whole request': send(benchRoutes, '/__bench/verify'),
          'hono jwk peer route, whole request': send(benchRoutes, '/__bench/peer/hono-jwk'),
        }),
      );
    }
    if (path === '/__bench/counts') {
      const { storage } = countedEnvironment(env);
      const counts = { ...storage.counts, d1RowsRead: storage.rows.read, d1RowsWritten: storage.rows.written };
      storage.resetCounts();
      return Response.json(counts);
    }
    // Requests marked for counting run against counted bindings; load runs use the plain ones.
    const runEnv = request.headers.has('X-Bench-Count') ? countedEnvironment(env).env : loadEnvironment(env);
    if (path.startsWith('/__bench/')) return benchRoutes.fetch(request, runEnv, ctx);
    return app.fetch(request, runEnv, ctx);
  },
} satisfies ExportedHandler<BenchBindings>;
