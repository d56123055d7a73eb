// D1 queries on sessions: opening one with its first refresh token, and revoking.

import { runStorage, type ReadableDatabase } from '../storage/database';

/** Why a session ended; stored in sessions.revoked_reason. */
export type RevocationReason = 'logout' | 'logout_all' | 'session_deleted' | 'password_changed' | 'admin_revoked' | 'refresh_token_reused' | 'password_reset';

/** A new session, the hash of its first refresh token and of its reuse proof. */
export interface NewSession {
  sessionId: string;
  userId: string;
  refreshTokenHash: string;
  reuseProofHash: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
  country: string | null;
  /** RFC 8176 method references of the sign-in; absent: a password (`pwd`). */
  amr?: readonly string[];
}

/**
 * Statements that open a session with its first refresh token: one row (the
 * token's state lives in it; three rows written with its two index entries).
 * Run them in one `batch()` with anything else the login writes, on the
 * database of the user's shard (the session's id carries that shard).
 */
export function openSessionStatements(db: D1Database, session: NewSession): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, user_agent, ip, country, refresh_hash, reuse_hash, amr)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
      )
      .bind(
        session.sessionId,
        session.userId,
        session.createdAt,
        session.expiresAt,
        session.userAgent,
        session.ip,
        session.country,
        session.refreshTokenHash,
        session.reuseProofHash,
        session.amr === undefined ? null : JSON.stringify(session.amr),
      ),
  ];
}

/** Runs statements as one atomic batch on a database: one round trip. */
export async function runBatch(db: D1Database, statements: D1PreparedStatement[], operation: string): Promise<D1Result[]> {
  return runStorage(operation, () => db.batch(statements));
}

/** A statement revoking one live session of a user; returns its id only if this revoked it. */
export function revokeSessionStatement(
  db: D1Database,
  sessionId: string,
  userId: string,
  reason: RevocationReason,
  nowSeconds: number,
): D1PreparedStatement {
  return db
    .prepare('UPDATE sessions SET revoked_at = ?3, revoked_reason = ?4 WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL RETURNING id')
    .bind(sessionId, userId, nowSeconds, reason);
}

/** A statement revoking every live session of a user, except one if named; returns the ids it revoked. */
export function revokeUserSessionsStatement(
  db: D1Database,
  userId: string,
  exceptSessionId: string | null,
  reason: RevocationReason,
  nowSeconds: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET revoked_at = ?3, revoked_reason = ?4
       WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?3 AND id IS NOT ?2 RETURNING id`,
    )
    .bind(userId, exceptSessionId, nowSeconds, reason);
}

/** The session, if it is the user's and was revoked at or after `sinceSeconds`. */
export function recentlyRevokedSessionStatement(db: D1Database, sessionId: string, userId: string, sinceSeconds: number): D1PreparedStatement {
  return db.prepare('SELECT id FROM sessions WHERE id = ?1 AND user_id = ?2 AND revoked_at >= ?3').bind(sessionId, userId, sinceSeconds);
}

/** The user's sessions (but one, if named) revoked at or after `sinceSeconds`. */
export function recentlyRevokedUserSessionsStatement(
  db: D1Database,
  userId: string,
  exceptSessionId: string | null,
  sinceSeconds: number,
): D1PreparedStatement {
  return db
    .prepare('SELECT id FROM sessions WHERE user_id = ?1 AND id IS NOT ?2 AND revoked_at >= ?3')
    .bind(userId, exceptSessionId, sinceSeconds);
}

/** A live session as the sessions list shows it. */
export interface SessionRecord {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  userAgent: string | null;
  ip: string | null;
  country: string | null;
}

interface SessionRow {
  id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
  country: string | null;
}

/**
 * The user's live (unrevoked, unexpired) sessions, most recently used first.
 * One round trip, to a read replica: a session revoked a second ago may still
 * be listed (its tokens are refused all the same: revocation reads the primary and KV).
 * `replica`: the user's shard through `replicaOf`.
 */
export async function listLiveSessions(replica: ReadableDatabase, userId: string, nowSeconds: number, limit: number): Promise<SessionRecord[]> {
  const { results } = await runStorage('list sessions', () =>
    replica
      .prepare(
        `SELECT id, created_at, last_used_at, expires_at, user_agent, ip, country FROM sessions
         WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
         ORDER BY last_used_at DESC, created_at DESC LIMIT ?3`,
      )
      .bind(userId, nowSeconds, limit)
      .all<SessionRow>(),
  );
  return results.map((row) => ({
    id: row.id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    userAgent: row.user_agent,
    ip: row.ip,
    country: row.country,
  }));
}
