// D1 queries on a session's refresh state: the one-batch rotation and the lookups of a presented token.

import { insertSessionEventStatement, type EventClient } from './auth-events';
import { runStorage } from '../storage/database';
import { parseRoles, parseStringArray } from '../storage/users';

/** A session's refresh state as the rotation batch read it back. */
export interface RefreshState {
  sessionId: string;
  userId: string;
  email: string;
  roles: string[];
  emailVerified: boolean;
  /** When the session signed in (its `created_at`): the access token's `auth_time`. */
  sessionCreatedAt: number;
  /** How the session signed in (RFC 8176); `null` for sessions that did not record it (a password). */
  amr: string[] | null;
  expiresAt: number;
  revokedAt: number | null;
  refreshHash: string | null;
  reuseHash: string | null;
  previousHash: string | null;
  rotatedAt: number | null;
  successorSealed: string | null;
  /** A pre-0005 token of this session with the presented hash exists (a genuine older token). */
  legacyTokenKnown: boolean;
}

interface RefreshStateRow {
  id: string;
  user_id: string;
  email: string;
  roles: string;
  email_verified: number;
  session_created_at: number;
  amr: string | null;
  expires_at: number;
  revoked_at: number | null;
  refresh_hash: string | null;
  reuse_hash: string | null;
  previous_hash: string | null;
  rotated_at: number | null;
  successor_sealed: string | null;
  legacy_known: number;
}

function mapRefreshStateRow(row: RefreshStateRow): RefreshState {
  return {
    sessionId: row.id,
    userId: row.user_id,
    email: row.email,
    roles: parseRoles(row.roles),
    emailVerified: row.email_verified === 1,
    sessionCreatedAt: row.session_created_at,
    amr: row.amr === null ? null : parseStringArray(row.amr),
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    refreshHash: row.refresh_hash,
    reuseHash: row.reuse_hash,
    previousHash: row.previous_hash,
    rotatedAt: row.rotated_at,
    successorSealed: row.successor_sealed,
    legacyTokenKnown: row.legacy_known === 1,
  };
}

/**
 * The session of a token issued before migration 0005 (such tokens do not
 * name their session): one round trip, once per such session.
 */
export async function findLegacyTokenSession(db: D1Database, tokenHash: string): Promise<{ sessionId: string; userId: string } | null> {
  const row = await runStorage('find legacy refresh token', () =>
    db
      .prepare('SELECT s.id, s.user_id FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?1')
      .bind(tokenHash)
      .first<{ id: string; user_id: string }>(),
  );
  return row ? { sessionId: row.id, userId: row.user_id } : null;
}

/** One rotation attempt: the presented token and the successor that replaces it if it still is current. */
export interface RotationRequest {
  sessionId: string;
  presentedHash: string;
  successorHash: string;
  /** The successor sealed under the presented token. */
  successorSealed: string;
  /** Hash of the reuse proof the successor carries; kept only if the session has none yet (a pre-0005 session). */
  reuseHash: string;
  nowSeconds: number;
  graceSeconds: number;
  /** Who presented it: recorded if this turns out to be a replay inside the grace window. */
  client: EventClient;
}

/**
 * One `batch()` (one round trip, one transaction) that rotates and reads back:
 * 1. records a `refresh_token_replayed` event only if the presented token is
 *    the session's immediate predecessor, inside the grace window (a replay);
 * 2. rewrites the session row only if the presented token is its current one
 *    and the session is live: the successor becomes current, the presented
 *    token its predecessor (one row, no indexed column: one row written);
 * 3. reads the session's refresh state and user (and whether the presented
 *    hash is a pre-0005 token of it).
 * Two concurrent rotations cannot both win: the row's `refresh_hash` moves once.
 * The caller compares `refreshHash` with its successor to learn who won.
 */
export async function rotateRefreshToken(db: D1Database, request: RotationRequest): Promise<RefreshState | null> {
  const { sessionId, presentedHash, successorHash, nowSeconds } = request;
  const replayEvent = insertSessionEventStatement(db, { type: 'refresh_token_replayed', client: request.client, nowSeconds }, {
    sql: `s.id = ?1 AND s.previous_hash = ?2 AND s.rotated_at >= ?3 AND s.successor_sealed IS NOT NULL
          AND s.revoked_at IS NULL AND s.expires_at > ?4`,
    parameters: [sessionId, presentedHash, nowSeconds - request.graceSeconds, nowSeconds],
  });
  const rotation = db
    .prepare(
      `UPDATE sessions SET refresh_hash = ?3, previous_hash = ?2, rotated_at = ?4, successor_sealed = ?5,
         reuse_hash = COALESCE(reuse_hash, ?6), last_used_at = ?4
       WHERE id = ?1 AND refresh_hash = ?2 AND revoked_at IS NULL AND expires_at > ?4`,
    )
    .bind(sessionId, presentedHash, successorHash, nowSeconds, request.successorSealed, request.reuseHash);
  const readBack = db
    .prepare(
      `SELECT s.id, s.user_id, u.email, u.roles, u.email_verified, s.created_at AS session_created_at, s.amr, s.expires_at, s.revoked_at, s.refresh_hash, s.reuse_hash,
              s.previous_hash, s.rotated_at, s.successor_sealed,
              EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.token_hash = ?2 AND t.session_id = s.id) AS legacy_known
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?1`,
    )
    .bind(sessionId, presentedHash);
  const results = await runStorage('rotate refresh token', () => db.batch([replayEvent, rotation, readBack]));
  const row = results[2]?.results[0] as RefreshStateRow | undefined;
  return row ? mapRefreshStateRow(row) : null;
}

/**
 * The session a presented token belongs to, for logout: its current token,
 * its predecessor, any earlier token (by the reuse proof) or a pre-0005
 * token of it. One round trip; `null` when none matches.
 */
export async function findSessionOfRefreshToken(
  db: D1Database,
  sessionId: string,
  presentedHash: string,
  reuseHash: string | null,
): Promise<{ sessionId: string; userId: string } | null> {
  const row = await runStorage('find session by refresh token', () =>
    db
      .prepare(
        `SELECT s.id, s.user_id FROM sessions s WHERE s.id = ?1
           AND (s.refresh_hash = ?2 OR s.previous_hash = ?2 OR s.reuse_hash = ?3
                OR EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.token_hash = ?2 AND t.session_id = s.id))`,
      )
      .bind(sessionId, presentedHash, reuseHash)
      .first<{ id: string; user_id: string }>(),
  );
  return row ? { sessionId: row.id, userId: row.user_id } : null;
}
