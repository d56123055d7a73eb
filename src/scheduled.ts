// The cron job: deletes expired and ended rows in bounded batches (wrangler.toml [triggers]).

import type { Bindings } from './app-env';
import { FAILURE_MEMORY_SECONDS, IP_WINDOW_SECONDS } from './auth/throttle';
import { logEvent } from './log';
import { deleteExpiredRows, type CleanupBounds, type CleanupReport, type RetentionPolicy } from './storage/cleanup';

const DAY_SECONDS = 86_400;

/** What is kept, and for how long (docs/storage.md lists the same). */
export const RETENTION: RetentionPolicy = {
  endedSessionRetentionSeconds: 7 * DAY_SECONDS,
  eventRetentionSeconds: 90 * DAY_SECONDS,
  failureRecordRetentionSeconds: FAILURE_MEMORY_SECONDS,
  ipCounterRetentionSeconds: 2 * IP_WINDOW_SECONDS,
};

/** 500 rows per DELETE, at most 20 DELETEs per table per run: 10,000 rows a table an hour. */
export const CLEANUP_BOUNDS: CleanupBounds = { batchSize: 500, maxBatchesPerTable: 20 };

/**
 * Runs one cleanup pass and logs what it deleted. The worker's `scheduled`
 * handler calls it; tests call it with their own time and bounds.
 */
export async function runScheduledCleanup(env: Bindings, nowSeconds: number, bounds: CleanupBounds = CLEANUP_BOUNDS): Promise<CleanupReport> {
  const report = await deleteExpiredRows(env, nowSeconds, RETENTION, bounds);
  logEvent('info', 'cleanup_finished', { ...report });
  return report;
}
