// D1 counters for the per-IP rate limit: one fixed one-minute window per client address.

import { runStorage } from './database';

/** The counter to bump: a client key and the start of the current window. */
export interface IpCounterRequest {
  ipKey: string;
  windowStart: number;
}

/**
 * A statement that counts one request for `ipKey` in its window and returns
 * the window's total (`requests`). It joins the first batch of login,
 * refresh and register, so the limit costs no extra round trip. A counter
 * from an older window starts over; a request stamped with an older window
 * than the stored one (clock skew between locations) counts into the newer.
 */
export function countIpRequestStatement(db: D1Database, request: IpCounterRequest): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO ip_rate_limits (ip_key, window_start, requests) VALUES (?1, ?2, 1)
       ON CONFLICT (ip_key) DO UPDATE SET
         requests = CASE WHEN window_start >= ?2 THEN requests + 1 ELSE 1 END,
         window_start = MAX(window_start, ?2)
       RETURNING requests`,
    )
    .bind(request.ipKey, request.windowStart);
}

/** The window total a `countIpRequestStatement` returned. */
export function readIpRequestCount(result: D1Result | undefined): number {
  const row = result?.results[0] as { requests?: unknown } | undefined;
  return typeof row?.requests === 'number' ? row.requests : 0;
}

/** Counts one request on its own (one round trip) and returns the window's total. */
export async function countIpRequest(db: D1Database, request: IpCounterRequest): Promise<number> {
  const result = await runStorage('count IP request', () => countIpRequestStatement(db, request).all());
  return readIpRequestCount(result);
}
