// Deleting what has outlived its use, in bounded batches: expired tokens, ended sessions, old events, expired challenges and provider sign-ins, and sealed successors past their window.

import { allShardDatabases, runStorage, type StorageBindings } from './database';
import { MAIL_LIMIT_WINDOW_SECONDS } from '../account/mail-limits';

/** How long each kind of row is kept once it no longer does anything. */
export interface RetentionPolicy {
  /** Revoked or expired sessions stay this long (for the user's and operators' history). */
  endedSessionRetentionSeconds: number;
  /** Security events stay this long. */
  eventRetentionSeconds: number;
  /** Failure records untouched this long are gone (they are forgotten at this age anyway). */
  failureRecordRetentionSeconds: number;
  /** A sealed successor is cleared once this long has passed since its rotation (the grace window). */
  sealedSuccessorSeconds: number;
}

/** How much one cleanup run may delete. */
export interface CleanupBounds {
  /** Rows one DELETE removes at most. */
  batchSize: number;
  /** DELETEs per table per run at most. */
  maxBatchesPerTable: number;
}

/** Rows deleted per table by one run. */
export interface CleanupReport {
  refreshTokens: number;
  sessions: number;
  events: number;
  loginFailures: number;
  /** Sealed successors cleared (not rows deleted: the session stays). */
  sealedSuccessors: number;
  emailLinks: number;
  mailLimits: number;
  /** WebAuthn challenges past their 5 minutes. */
  webauthnChallenges: number;
  /** Provider sign-ins in flight past their 10 minutes. */
  oauthFlows: number;
  mfaTokens: number;
}

interface CleanupStep {
  key: keyof CleanupReport;
  sql: string;
  cutoff: number;
}

/**
 * Runs every cleanup step, each as repeated bounded DELETEs (`LIMIT` rows
 * each, at most `maxBatchesPerTable` of them) until a DELETE removes fewer
 * than a full batch, on every shard in turn. Each DELETE is one short write, so a large backlog
 * never holds the database's single writer for long; the next run continues.
 */
export async function deleteExpiredRows(
  env: StorageBindings,
  nowSeconds: number,
  retention: RetentionPolicy,
  bounds: CleanupBounds,
): Promise<CleanupReport> {
  const endedBefore = nowSeconds - retention.endedSessionRetentionSeconds;
  const endedSession = '(s.expires_at <= ?1 OR (s.revoked_at IS NOT NULL AND s.revoked_at <= ?1))';
  const steps: CleanupStep[] = [
    // A refresh token lives no longer than its session.
    { key: 'refreshTokens', sql: 'DELETE FROM refresh_tokens WHERE rowid IN (SELECT rowid FROM refresh_tokens WHERE expires_at <= ?1 LIMIT ?2)', cutoff: nowSeconds },
    {
      key: 'refreshTokens',
      sql: `DELETE FROM refresh_tokens WHERE rowid IN (
              SELECT t.rowid FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE ${endedSession} LIMIT ?2)`,
      cutoff: endedBefore,
    },
    {
      key: 'sessions',
      // Only sessions whose tokens are gone: a cascade could delete an unbounded chain in one statement.
      sql: `DELETE FROM sessions WHERE id IN (
              SELECT s.id FROM sessions s WHERE ${endedSession}
                AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id) LIMIT ?2)`,
      cutoff: endedBefore,
    },
    {
      key: 'events',
      sql: `DELETE FROM auth_events WHERE (user_id, created_at, id) IN (
              SELECT user_id, created_at, id FROM auth_events WHERE created_at <= ?1 LIMIT ?2)`,
      cutoff: nowSeconds - retention.eventRetentionSeconds,
    },
    {
      key: 'loginFailures',
      sql: `DELETE FROM login_failures WHERE email_hash IN (
              SELECT email_hash FROM login_failures WHERE updated_at <= ?1 AND (locked_until IS NULL OR locked_until <= ?1) LIMIT ?2)`,
      cutoff: nowSeconds - retention.failureRecordRetentionSeconds,
    },
    {
      key: 'sealedSuccessors',
      // Past its grace window a sealed successor only helps someone holding an old token and a copy of D1.
      sql: `UPDATE sessions SET successor_sealed = NULL WHERE id IN (
              SELECT id FROM sessions WHERE successor_sealed IS NOT NULL AND rotated_at < ?1 LIMIT ?2)`,
      cutoff: nowSeconds - retention.sealedSuccessorSeconds,
    },
    // An expired link can never be used; a mail counter whose hour has passed limits nothing.
    { key: 'emailLinks', sql: 'DELETE FROM email_links WHERE token_hash IN (SELECT token_hash FROM email_links WHERE expires_at <= ?1 LIMIT ?2)', cutoff: nowSeconds },
    {
      key: 'mailLimits',
      sql: 'DELETE FROM mail_limits WHERE rowid IN (SELECT rowid FROM mail_limits WHERE hour_start <= ?1 LIMIT ?2)',
      cutoff: nowSeconds - MAIL_LIMIT_WINDOW_SECONDS,
    },
    // A challenge past its expiry can never be consumed.
    {
      key: 'webauthnChallenges',
      sql: 'DELETE FROM webauthn_challenges WHERE challenge IN (SELECT challenge FROM webauthn_challenges WHERE expires_at <= ?1 LIMIT ?2)',
      cutoff: nowSeconds,
    },
    // A provider sign-in past its expiry can never finish.
    {
      key: 'oauthFlows',
      sql: 'DELETE FROM oauth_flows WHERE state_hash IN (SELECT state_hash FROM oauth_flows WHERE expires_at <= ?1 LIMIT ?2)',
      cutoff: nowSeconds,
    },
    // Nor can an mfa_token past its 5 minutes.
    { key: 'mfaTokens', sql: 'DELETE FROM mfa_tokens WHERE token_hash IN (SELECT token_hash FROM mfa_tokens WHERE expires_at <= ?1 LIMIT ?2)', cutoff: nowSeconds },
  ];
  const report: CleanupReport = { refreshTokens: 0, sessions: 0, events: 0, loginFailures: 0, sealedSuccessors: 0, emailLinks: 0, mailLimits: 0, webauthnChallenges: 0, oauthFlows: 0, mfaTokens: 0 };
  // Every shard holds every table; each is cleaned on its own, with the bounds applying per shard.
  for (const { db } of allShardDatabases(env)) {
    for (const step of steps) report[step.key] += await deleteInBatches(db, step.sql, step.cutoff, bounds);
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
