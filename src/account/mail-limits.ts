// Per-address limits on mailed links: at most one per minute and a few per hour, per purpose.

/** One link of a purpose per address per minute... */
export const MAIL_MIN_INTERVAL_SECONDS = 60;
/** ...and at most this many per hour. */
export const MAIL_LINKS_PER_HOUR = 5;
/** The window the hourly count covers. */
export const MAIL_LIMIT_WINDOW_SECONDS = 3600;
const HOUR_SECONDS = MAIL_LIMIT_WINDOW_SECONDS;

/** The counter a link request bumps: SHA-256 of the address and the purpose. */
export interface MailLimitRequest {
  addressHash: string;
  purpose: string;
  nowSeconds: number;
}

/**
 * A statement that counts one link for the address only if the limits allow
 * it, and returns a row exactly then: an empty result means "limited". The
 * statement right after it can require `changes() > 0` to act only when allowed.
 */
export function countMailLinkStatement(db: D1Database, request: MailLimitRequest): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO mail_limits (address_hash, purpose, last_sent_at, hour_start, hour_count) VALUES (?1, ?2, ?3, ?3, 1)
       ON CONFLICT (address_hash, purpose) DO UPDATE SET
         last_sent_at = ?3,
         hour_count = CASE WHEN hour_start <= ?3 - ${HOUR_SECONDS} THEN 1 ELSE hour_count + 1 END,
         hour_start = CASE WHEN hour_start <= ?3 - ${HOUR_SECONDS} THEN ?3 ELSE hour_start END
       WHERE last_sent_at <= ?3 - ${MAIL_MIN_INTERVAL_SECONDS} AND (hour_start <= ?3 - ${HOUR_SECONDS} OR hour_count < ?4)
       RETURNING hour_count`,
    )
    .bind(request.addressHash, request.purpose, request.nowSeconds, MAIL_LINKS_PER_HOUR);
}

/** A statement reading the counter back, to tell a limited caller when to retry. */
export function readMailLimitStatement(db: D1Database, request: MailLimitRequest): D1PreparedStatement {
  return db
    .prepare('SELECT last_sent_at, hour_start, hour_count FROM mail_limits WHERE address_hash = ?1 AND purpose = ?2')
    .bind(request.addressHash, request.purpose);
}

/** Whether a `countMailLinkStatement` allowed the link. */
export function mailLinkAllowed(result: D1Result | undefined): boolean {
  return (result?.results.length ?? 0) > 0;
}

/** Seconds until the address may get another link, from a `readMailLimitStatement` result. */
export function mailLimitRetryAfterSeconds(result: D1Result | undefined, nowSeconds: number): number {
  const row = result?.results[0] as { last_sent_at: number; hour_start: number; hour_count: number } | undefined;
  if (!row) return MAIL_MIN_INTERVAL_SECONDS;
  const minuteWait = row.last_sent_at + MAIL_MIN_INTERVAL_SECONDS - nowSeconds;
  const hourWait = row.hour_count >= MAIL_LINKS_PER_HOUR ? row.hour_start + HOUR_SECONDS - nowSeconds : 0;
  return Math.max(1, minuteWait, hourWait);
}
