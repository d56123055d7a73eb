// The cron job: runs every capability's sweeps in bounded batches (wrangler.toml [triggers]).

import type { Bindings } from './http/app-env';
import { FAILURE_MEMORY_SECONDS } from './password/throttle';
import { getConfig } from './core/config';
import { logEvent } from './core/log';
import { CAPABILITIES } from './app';
import { deleteExpiredRows, type CleanupBounds, type CleanupReport, type SweepRetention } from './storage/cleanup';

const DAY_SECONDS = 86_400;

/** What is kept, and for how long (docs/storage.md lists the same); sealed successors go once the grace window has passed. */
export const RETENTION: Omit<SweepRetention, 'sealedSuccessorSeconds'> = {
  endedSessionRetentionSeconds: 7 * DAY_SECONDS,
  eventRetentionSeconds: 90 * DAY_SECONDS,
  failureRecordRetentionSeconds: FAILURE_MEMORY_SECONDS,
};

/** 500 rows per DELETE, at most 20 DELETEs per table per run: 10,000 rows a table an hour. */
export const CLEANUP_BOUNDS: CleanupBounds = { batchSize: 500, maxBatchesPerTable: 20 };

/**
 * Runs one cleanup pass and logs what it deleted. The worker's `scheduled`
 * handler calls it; tests call it with their own time and bounds.
 */
export async function runScheduledCleanup(env: Bindings, nowSeconds: number, bounds: CleanupBounds = CLEANUP_BOUNDS): Promise<CleanupReport> {
  const retention = { ...RETENTION, sealedSuccessorSeconds: getConfig(env as unknown as Record<string, unknown>).refreshReuseGraceSeconds };
  // Every capability's sweeps, turned off or not: rows stored before it was turned off still expire.
  const sweeps = CAPABILITIES.flatMap((capability) => capability.sweeps ?? []);
  const report = await deleteExpiredRows(env, sweeps, nowSeconds, retention, bounds);
  logEvent('info', 'cleanup_finished', { ...report });
  return report;
}
