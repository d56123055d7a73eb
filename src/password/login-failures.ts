// D1 queries on login_failures: claiming a password check, counting failures, locks with back-off.

/** An account's failure record. */
export interface LoginFailureState {
  failures: number;
  /** Password checks claimed and not yet settled. */
  pending: number;
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

/** What a granted claim saw: settling a success forgets only the failures counted before it. */
export interface ClaimedCheck {
  failuresBefore: number;
  lockoutsBefore: number;
}

/** The largest power of two a lock may be multiplied by (2^6 = 64). */
export const MAX_BACKOFF_DOUBLINGS = 6;
/**
 * A claim not settled within this time is presumed lost (the isolate died
 * mid-check) and stops counting; a real check settles within a second or two.
 */
export const CLAIM_TIMEOUT_SECONDS = 60;

interface LoginFailureRow {
  failures: number;
  pending: number;
  lockouts: number;
  locked_until: number | null;
}

/** A statement reading an account's failure record (for a batch). */
export function findLoginFailuresStatement(db: D1Database, emailHash: string): D1PreparedStatement {
  return db.prepare('SELECT failures, pending, lockouts, locked_until FROM login_failures WHERE email_hash = ?1').bind(emailHash);
}

/** The record a `findLoginFailuresStatement` returned, or `null`. */
export function readLoginFailures(result: D1Result | undefined): LoginFailureState | null {
  const row = result?.results[0] as LoginFailureRow | undefined;
  return row ? { failures: row.failures, pending: row.pending, lockouts: row.lockouts, lockedUntil: row.locked_until } : null;
}

/**
 * One conditional statement that claims a password check before it runs:
 * granted (it returns a row) only while the account is not locked and its
 * failures plus the checks still in flight stay under `maxFailures`; a
 * granted claim adds one to `pending`. A stale record (nothing for
 * `memorySeconds`) starts over, and claims older than `CLAIM_TIMEOUT_SECONDS`
 * no longer count. Because D1 runs it atomically, however many requests
 * arrive at once, at most `maxFailures` checks run per lock window.
 */
export function claimCheckStatement(db: D1Database, emailHash: string, nowSeconds: number, policy: LockoutPolicy): D1PreparedStatement {
  const stale = 'MAX(updated_at, COALESCE(locked_until, 0)) < ?2 - ?4';
  const livePending = `CASE WHEN updated_at < ?2 - ${CLAIM_TIMEOUT_SECONDS} THEN 0 ELSE pending END`;
  return db
    .prepare(
      `INSERT INTO login_failures (email_hash, failures, pending, lockouts, locked_until, updated_at) VALUES (?1, 0, 1, 0, NULL, ?2)
       ON CONFLICT (email_hash) DO UPDATE SET
         failures = CASE WHEN ${stale} THEN 0 ELSE failures END,
         lockouts = CASE WHEN ${stale} THEN 0 ELSE lockouts END,
         pending = ${livePending} + 1,
         updated_at = ?2
       WHERE (locked_until IS NULL OR locked_until <= ?2)
         AND (CASE WHEN ${stale} THEN 0 ELSE failures END) + ${livePending} < ?3
       RETURNING failures, lockouts`,
    )
    .bind(emailHash, nowSeconds, policy.maxFailures, policy.memorySeconds);
}

/** The claim a `claimCheckStatement` made, or `null` when it was refused. */
export function readClaimedCheck(result: D1Result | undefined): ClaimedCheck | null {
  const row = result?.results[0] as { failures: number; lockouts: number } | undefined;
  return row ? { failuresBefore: row.failures, lockoutsBefore: row.lockouts } : null;
}

/**
 * Statements that settle a claimed check that failed, atomically in a batch:
 * release the claim and count the failure, and, on reaching `maxFailures`,
 * start a lock of `lockoutSeconds × 2^lockouts` (capped) and reset the
 * count. The last statement returns `locked_until` and `lockouts` only when
 * it started a lock: see `readStartedLock`.
 */
export function recordLoginFailureStatements(db: D1Database, emailHash: string, nowSeconds: number, policy: LockoutPolicy): D1PreparedStatement[] {
  return [
    db
      .prepare('UPDATE login_failures SET failures = failures + 1, pending = MAX(0, pending - 1), updated_at = ?2 WHERE email_hash = ?1')
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

/**
 * Statements that settle a claimed check that succeeded: the claim is
 * released and the failures counted *before* it are forgotten, with the
 * back-off level unless a lock is running. Failures of checks that ran
 * alongside it (the rest of a burst) still count. When nothing is left to
 * remember the record is deleted instead. Exactly one of the two writes a
 * row.
 */
export function settleSuccessfulCheckStatements(db: D1Database, emailHash: string, claim: ClaimedCheck, nowSeconds: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `DELETE FROM login_failures WHERE email_hash = ?1 AND pending <= 1 AND failures <= ?2 AND lockouts = ?3
           AND (locked_until IS NULL OR locked_until <= ?4)`,
      )
      .bind(emailHash, claim.failuresBefore, claim.lockoutsBefore, nowSeconds),
    db
      .prepare(
        `UPDATE login_failures SET
           pending = MAX(0, pending - 1),
           failures = CASE WHEN lockouts = ?3 THEN MAX(0, failures - ?2) ELSE failures END,
           lockouts = CASE WHEN locked_until > ?4 THEN lockouts ELSE 0 END
         WHERE email_hash = ?1`,
      )
      .bind(emailHash, claim.failuresBefore, claim.lockoutsBefore, nowSeconds),
  ];
}

/**
 * A statement that forgets an account's failures, lock and back-off
 * outright: for a password reset, which proved control of the mailbox.
 */
export function forgetLoginFailuresStatement(db: D1Database, emailHash: string): D1PreparedStatement {
  return db.prepare('DELETE FROM login_failures WHERE email_hash = ?1').bind(emailHash);
}

/**
 * A statement that gives a claimed check back without forgetting any
 * failure: for a right password on an account that still needs its second
 * factor, so a known password cannot wipe the count of wrong codes.
 */
export function releaseClaimStatement(db: D1Database, emailHash: string, nowSeconds: number): D1PreparedStatement {
  return db.prepare('UPDATE login_failures SET pending = MAX(0, pending - 1), updated_at = ?2 WHERE email_hash = ?1').bind(emailHash, nowSeconds);
}
