// D1 queries on totp_factors, recovery_codes and mfa_tokens: the TOTP second factor, all on the user's shard.

import { runStorage } from '../storage/database';
import { endPendingSecondStepsStatements } from './pending-sign-ins';
import { readUser, type UserRecord } from '../storage/users';

/** A user's TOTP factor as stored. */
export interface TotpFactorRecord {
  sealedSecret: string;
  /** `null` while set up but not yet enabled. */
  enabledAt: number | null;
  /** The newest time step already used: codes of it or older are refused. */
  lastUsedStep: number;
}

interface TotpFactorRow {
  sealed_secret: string;
  enabled_at: number | null;
  last_used_step: number;
}

function mapFactor(row: TotpFactorRow | null | undefined): TotpFactorRecord | null {
  return row ? { sealedSecret: row.sealed_secret, enabledAt: row.enabled_at, lastUsedStep: row.last_used_step } : null;
}

/** The user's TOTP factor (pending or enabled), or `null`, from the database of the user's shard. One round trip. */
export async function readTotpFactor(db: D1Database, userId: string): Promise<TotpFactorRecord | null> {
  const row = await runStorage('read totp factor', () =>
    db.prepare('SELECT sealed_secret, enabled_at, last_used_step FROM totp_factors WHERE user_id = ?1').bind(userId).first<TotpFactorRow>(),
  );
  return mapFactor(row);
}

/**
 * Stores a new pending secret, replacing an earlier pending one. Returns
 * false (nothing written) when TOTP is already enabled: atomic, so setup
 * can never overwrite a live factor. One round trip.
 */
export async function savePendingTotpFactor(db: D1Database, userId: string, sealedSecret: string, nowSeconds: number): Promise<boolean> {
  const row = await runStorage('save totp setup', () =>
    db
      .prepare(
        `INSERT INTO totp_factors (user_id, sealed_secret, enabled_at, last_used_step, created_at) VALUES (?1, ?2, NULL, 0, ?3)
         ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, last_used_step = 0, created_at = excluded.created_at
         WHERE totp_factors.enabled_at IS NULL
         RETURNING user_id`,
      )
      .bind(userId, sealedSecret, nowSeconds)
      .first(),
  );
  return row !== null;
}

/**
 * Enables a pending factor whose code matched `step` and stores the hashes
 * of its recovery codes, in one batch (one transaction). The codes are
 * written only if this call enabled the factor (`changes()` of the update),
 * so a concurrent enable leaves one set. Returns false when nothing was
 * enabled (already enabled, or the step already used).
 */
export async function enableTotpFactor(db: D1Database, userId: string, step: number, recoveryCodeHashes: readonly string[], nowSeconds: number): Promise<boolean> {
  const results = await runStorage('enable totp', () =>
    db.batch([
      db.prepare('DELETE FROM recovery_codes WHERE user_id = ?1 AND NOT EXISTS (SELECT 1 FROM totp_factors WHERE user_id = ?1 AND enabled_at IS NOT NULL)').bind(userId),
      db
        .prepare('UPDATE totp_factors SET enabled_at = ?3, last_used_step = ?2 WHERE user_id = ?1 AND enabled_at IS NULL AND last_used_step < ?2 RETURNING user_id')
        .bind(userId, step, nowSeconds),
      db.prepare('INSERT INTO recovery_codes (user_id, code_hash) SELECT ?1, value FROM json_each(?2) WHERE changes() > 0').bind(userId, JSON.stringify(recoveryCodeHashes)),
    ]),
  );
  return (results[1]?.results.length ?? 0) === 1;
}

/** Statements that remove a user's TOTP factor, recovery codes and pending second steps (for a batch). */
export function deleteTotpStatements(db: D1Database, userId: string): D1PreparedStatement[] {
  return [
    ...endPendingSecondStepsStatements(db, userId),
    db.prepare('DELETE FROM recovery_codes WHERE user_id = ?1').bind(userId),
    db.prepare('DELETE FROM totp_factors WHERE user_id = ?1').bind(userId),
  ];
}

/** Where the first step of a sign-in came from: a password (`provider` null), or a provider and the link it waits for. */
export interface MfaTokenOrigin {
  /** The provider of a provider sign-in; `null` for a password. */
  provider: string | null;
  /** A first-time automatic link, written only when the step succeeds; `null` when none is pending. */
  pendingLink: { subject: string; email: string } | null;
}

/** The origin of a password sign-in's mfa_token. */
export const PASSWORD_ORIGIN: MfaTokenOrigin = { provider: null, pendingLink: null };

/** A statement storing a new mfa_token with where its first step came from (for a batch). */
export function insertMfaTokenStatement(db: D1Database, tokenHash: string, userId: string, attempts: number, expiresAt: number, origin: MfaTokenOrigin = PASSWORD_ORIGIN): D1PreparedStatement {
  return db
    .prepare('INSERT INTO mfa_tokens (token_hash, user_id, attempts_left, expires_at, provider, link_subject, link_email) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)')
    .bind(tokenHash, userId, attempts, expiresAt, origin.provider, origin.pendingLink?.subject ?? null, origin.pendingLink?.email ?? null);
}

/** A statement deleting an mfa_token: the sign-in it completes uses it up (for a batch). */
export function deleteMfaTokenStatement(db: D1Database, tokenHash: string): D1PreparedStatement {
  return db.prepare('DELETE FROM mfa_tokens WHERE token_hash = ?1').bind(tokenHash);
}

/** What a live mfa_token leads to. */
export interface MfaTokenUse {
  user: UserRecord;
  factor: TotpFactorRecord | null;
  origin: MfaTokenOrigin;
}

/**
 * Spends one of an mfa_token's attempts, atomically (a conditional UPDATE,
 * so concurrent requests cannot get more than its 5 codes), and reads its
 * user, factor and origin, in one batch (one round trip). `null` for an unknown,
 * expired or spent token, or one whose user is gone.
 */
export async function spendMfaTokenAttempt(db: D1Database, tokenHash: string, nowSeconds: number): Promise<MfaTokenUse | null> {
  const [spent, found] = await runStorage('spend mfa token attempt', () =>
    db.batch([
      db
        .prepare('UPDATE mfa_tokens SET attempts_left = attempts_left - 1 WHERE token_hash = ?1 AND expires_at > ?2 AND attempts_left > 0 RETURNING user_id')
        .bind(tokenHash, nowSeconds),
      db
        .prepare(
          `SELECT u.id, u.email, u.password_hash, u.roles, u.created_at, u.email_verified, f.sealed_secret, f.enabled_at, f.last_used_step,
             m.provider, m.link_subject, m.link_email
           FROM mfa_tokens m JOIN users u ON u.id = m.user_id LEFT JOIN totp_factors f ON f.user_id = u.id
           WHERE m.token_hash = ?1`,
        )
        .bind(tokenHash),
    ]),
  );
  const spentRow = spent?.results[0] as { user_id: string } | undefined;
  const user = readUser(found);
  if (!spentRow || !user || user.id !== spentRow.user_id) return null;
  const row = found?.results[0] as (Partial<TotpFactorRow> & { provider: string | null; link_subject: string | null; link_email: string | null }) | undefined;
  const factor = row?.sealed_secret ? mapFactor(row as TotpFactorRow) : null;
  const pendingLink = row?.link_subject && row.link_email ? { subject: row.link_subject, email: row.link_email } : null;
  return { user, factor, origin: { provider: row?.provider ?? null, pendingLink } };
}

/**
 * A statement that uses a TOTP step: it succeeds (returns a row) only for a
 * step newer than every step used before, on an enabled factor. Atomic, so
 * a code signs in once even when sent twice at the same moment.
 */
export function useTotpStepStatement(db: D1Database, userId: string, step: number): D1PreparedStatement {
  return db
    .prepare('UPDATE totp_factors SET last_used_step = ?2 WHERE user_id = ?1 AND enabled_at IS NOT NULL AND last_used_step < ?2 RETURNING user_id')
    .bind(userId, step);
}

/** Like `useTotpStepStatement`, for a recovery code: deletes it, so it works once. */
export function useRecoveryCodeStatement(db: D1Database, userId: string, codeHash: string): D1PreparedStatement {
  return db.prepare('DELETE FROM recovery_codes WHERE user_id = ?1 AND code_hash = ?2 RETURNING user_id').bind(userId, codeHash);
}

/** How many unused recovery codes a user has. One round trip. */
export async function countRecoveryCodes(db: D1Database, userId: string): Promise<number> {
  const row = await runStorage('count recovery codes', () => db.prepare('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?1').bind(userId).first<{ n: number }>());
  return row?.n ?? 0;
}
