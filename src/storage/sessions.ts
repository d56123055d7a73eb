// D1 queries on sessions: opening one with its first refresh token, and revoking.

import { databaseForKey, runStorage, type StorageBindings } from './database';

/** Why a session ended; stored in sessions.revoked_reason. */
export type RevocationReason = 'logout' | 'logout_all' | 'session_deleted' | 'password_changed' | 'admin_revoked' | 'refresh_token_reused';

/** A new session and the hash of its first refresh token. */
export interface NewSession {
  sessionId: string;
  userId: string;
  refreshTokenHash: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
  country: string | null;
}

/**
 * Statements that open a session with its first refresh token. Run them in
 * one `batch()` (with anything else the login writes) so they land together.
 */
export function openSessionStatements(env: StorageBindings, session: NewSession): D1PreparedStatement[] {
  const db = databaseForKey(env, session.sessionId);
  return [
    db
      .prepare(
        `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip, country)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)`,
      )
      .bind(session.sessionId, session.userId, session.createdAt, session.expiresAt, session.userAgent, session.ip, session.country),
    db
      .prepare('INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)')
      .bind(session.refreshTokenHash, session.sessionId, session.createdAt, session.expiresAt),
  ];
}

/** Runs statements as one atomic batch: one round trip. */
export async function runBatch(env: StorageBindings, routingKey: string, statements: D1PreparedStatement[], operation: string): Promise<D1Result[]> {
  return runStorage(operation, () => databaseForKey(env, routingKey).batch(statements));
}

/**
 * Marks the session owning this refresh token (any token of its chain)
 * revoked, keeping the first revocation's time and reason. Returns the
 * session id, or `null` when no session owns the token. One round trip.
 */
export async function revokeSessionByRefreshTokenHash(
  env: StorageBindings,
  tokenHash: string,
  routingKey: string,
  reason: RevocationReason,
  nowSeconds: number,
): Promise<{ sessionId: string; userId: string } | null> {
  const row = await runStorage('revoke session by refresh token', () =>
    databaseForKey(env, routingKey)
      .prepare(
        `UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?2), revoked_reason = COALESCE(revoked_reason, ?3)
         WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ?1)
         RETURNING id, user_id`,
      )
      .bind(tokenHash, nowSeconds, reason)
      .first<{ id: string; user_id: string }>(),
  );
  return row ? { sessionId: row.id, userId: row.user_id } : null;
}

/** A statement revoking one session of a user (keeps the first revocation). */
export function revokeSessionStatement(
  env: StorageBindings,
  sessionId: string,
  userId: string,
  reason: RevocationReason,
  nowSeconds: number,
): D1PreparedStatement {
  return databaseForKey(env, sessionId)
    .prepare(
      `UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?3), revoked_reason = COALESCE(revoked_reason, ?4)
       WHERE id = ?1 AND user_id = ?2 RETURNING id`,
    )
    .bind(sessionId, userId, nowSeconds, reason);
}
