// Deleting what has outlived its use, in bounded batches: the sweeps each capability declares (expired tokens, ended sessions, old events, challenges, …).

import { allShardDatabases, runStorage, type StorageBindings } from './database';

/** One bounded cleanup the hourly cron runs on every shard: `sql` deletes at most `?2` rows older than `?1`. */
export interface SweepStep {
  /** The counter of the cleanup report this step adds to. */
  key: string;
  sql: string;
  /** The cutoff (`?1`) for a run at `nowSeconds`. */
  cutoff(nowSeconds: number, retention: SweepRetention): number;
}

/** Retention settings a sweep may need (docs/storage.md lists them). */
export interface SweepRetention {
  endedSessionRetentionSeconds: number;
  eventRetentionSeconds: number;
  failureRecordRetentionSeconds: number;
  sealedSuccessorSeconds: number;
}

/** How much one cleanup run may delete. */
export interface CleanupBounds {
  /** Rows one DELETE removes at most. */
  batchSize: number;
  /** DELETEs per table per run at most. */
  maxBatchesPerTable: number;
}

/** Rows deleted by one run, per counter the sweeps name (`refreshTokens`, `sessions`, `events`, `oauthFlows`, …). */
export type CleanupReport = Record<string, number>;

/**
 * Runs every sweep the capabilities declare, each as repeated bounded
 * DELETEs (`LIMIT` rows each, at most `maxBatchesPerTable` of them) until a
 * DELETE removes fewer than a full batch, on every shard in turn. Each DELETE
 * is one short write, so a large backlog never holds the database's single
 * writer for long; the next run continues.
 */
export async function deleteExpiredRows(
  env: StorageBindings,
  sweeps: readonly SweepStep[],
  nowSeconds: number,
  retention: SweepRetention,
  bounds: CleanupBounds,
): Promise<CleanupReport> {
  const report: CleanupReport = Object.fromEntries(sweeps.map((step) => [step.key, 0]));
  // Every shard holds every table; each is cleaned on its own, with the bounds applying per shard.
  for (const { db } of allShardDatabases(env)) {
    for (const step of sweeps) report[step.key] = (report[step.key] ?? 0) + await deleteInBatches(db, step.sql, step.cutoff(nowSeconds, retention), bounds);
  }
  return report;
}

async function deleteInBatches(db: D1Database, sql: string, cutoff: number, bounds: CleanupBounds): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < bounds.maxBatchesPerTable; batch++) {
    const result = await runStorage('cleanup', () => db.prepare(sql).bind(cutoff, bounds.batchSize).run());
    const changes = result.meta.changes ?? 0;
    deleted += changes;
    if (changes < bounds.batchSize) break;
  }
  return deleted;
}
