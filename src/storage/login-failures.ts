// D1 queries on login_failures: failed-login counts and lockouts per account (by email hash).

/** An account's failure record. */
export interface LoginFailureState {
  failures: number;
  lockouts: number;
  lockedUntil: number | null;
}

/** How failures turn into lockouts. */
export interface LockoutPolicy {
  maxFailures: number;
  lockoutSeconds: number;
  /** No lock lasts longer than this, however many came before. */
  maxLockoutSeconds: number;
  /** A record with no failure and no lock for this long is forgotten: counts and back-off start over. */
  memorySeconds: number;
}

/** The largest power of two a lock may be multiplied by (2^6 = 64). */
const MAX_BACKOFF_DOUBLINGS = 6;

interface LoginFailureRow {
  failures: number;
  lockouts: number;
  locked_until: number | null;
}

/** A statement reading an account's failure record (for a batch). */
export function findLoginFailuresStatement(db: D1Database, emailHash: string): D1PreparedStatement {
  return db.prepare('SELECT failures, lockouts, locked_until FROM login_failures WHERE email_hash = ?1').bind(emailHash);
}

/** The record a `findLoginFailuresStatement` returned, or `null`. */
export function readLoginFailures(result: D1Result | undefined): LoginFailureState | null {
  const row = result?.results[0] as LoginFailureRow | undefined;
  return row ? { failures: row.failures, lockouts: row.lockouts, lockedUntil: row.locked_until } : null;
}

/**
 * Statements that count one failed login, atomically when run in a batch:
 * forget a stale record, add the failure (never while locked, so attempts
 * during a lock cannot extend it), and, on reaching `maxFailures`, start a
 * lock of `lockoutSeconds × 2^lockouts` (capped) and reset the count. The
 * last statement returns `locked_until` and `lockouts` only when it started
 * a lock: see `readStartedLock`.
 */
export function recordLoginFailureStatements(db: D1Database, emailHash: string, nowSeconds: number, policy: LockoutPolicy): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE login_failures SET failures = 0, lockouts = 0, locked_until = NULL
         WHERE email_hash = ?1 AND MAX(updated_at, COALESCE(locked_until, 0)) < ?2`,
      )
      .bind(emailHash, nowSeconds - policy.memorySeconds),
    db
      .prepare(
        `INSERT INTO login_failures (email_hash, failures, lockouts, locked_until, updated_at) VALUES (?1, 1, 0, NULL, ?2)
         ON CONFLICT (email_hash) DO UPDATE SET failures = failures + 1, updated_at = ?2
         WHERE locked_until IS NULL OR locked_until <= ?2`,
      )
      .bind(emailHash, nowSeconds),
    db
      .prepare(
        `UPDATE login_failures
         SET locked_until = ?2 + MIN(?4, ?3 << MIN(lockouts, ?5)), lockouts = lockouts + 1, failures = 0, updated_at = ?2
         WHERE email_hash = ?1 AND failures >= ?6
         RETURNING locked_until, lockouts`,
      )
      .bind(emailHash, nowSeconds, policy.lockoutSeconds, policy.maxLockoutSeconds, MAX_BACKOFF_DOUBLINGS, policy.maxFailures),
  ];
}

/** The lock the last of `recordLoginFailureStatements` started, or `null`. */
export function readStartedLock(result: D1Result | undefined): { lockedUntil: number; lockouts: number } | null {
  const row = result?.results[0] as { locked_until: number; lockouts: number } | undefined;
  return row ? { lockedUntil: row.locked_until, lockouts: row.lockouts } : null;
}

/** A statement that forgets an account's failures and back-off (after a success). */
export function clearLoginFailuresStatement(db: D1Database, emailHash: string): D1PreparedStatement {
  return db.prepare('DELETE FROM login_failures WHERE email_hash = ?1').bind(emailHash);
}
