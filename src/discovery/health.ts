// Probes behind GET /health?deep=1: one trivial D1 query per shard and one KV read.

import { allShardDatabases, runStorage, type StorageBindings } from '../storage/database';

/** The outcome of one probe; the reason stays in the log (storage_unavailable). */
export type ProbeStatus = 'ok' | 'failed';

/** A KV key nothing writes: reading it proves KV answers without touching real data. */
const KV_PROBE_KEY = 'health:probe';

/** Runs `SELECT 1` on every shard's D1 database, in parallel: one round trip each; `failed` if any fails. */
export async function probeDatabase(env: StorageBindings): Promise<ProbeStatus> {
  const shards = allShardDatabases(env);
  return probe(() => Promise.all(shards.map(({ shard, db }) => runStorage(`health probe d1 shard ${shard}`, () => db.prepare('SELECT 1 AS ok').first()))));
}

/** Reads one KV key. One read. */
export async function probeKv(env: StorageBindings): Promise<ProbeStatus> {
  return probe(() => runStorage('health probe kv', () => env.KV.get(KV_PROBE_KEY)));
}

async function probe(work: () => Promise<unknown>): Promise<ProbeStatus> {
  try {
    await work();
    return 'ok';
  } catch {
    return 'failed';
  }
}
