// D1 queries on refresh_tokens: the lookup and the atomic rotation.

import { databaseForKey, runStorage, type StorageBindings } from './database';
import { countIpRequestStatement, readIpRequestCount, type IpCounterRequest } from './rate-limits';
import { parseRoles } from './users';

/** A refresh token with its session and user, as one lookup returns them. */
export interface RefreshTokenRecord {
  tokenHash: string;
  sessionId: string;
  userId: string;
  email: string;
  roles: string[];
  emailVerified: boolean;
  /** When the session signed in (its `created_at`): the access token's `auth_time`. */
  sessionCreatedAt: number;
  expiresAt: number;
  sessionExpiresAt: number;
  sessionRevokedAt: number | null;
  rotatedAt: number | null;
  successorHash: string | null;
  successorSealed: string | null;
  /** Whether the successor is itself still unrotated (the chain's current token). */
  successorIsCurrent: boolean;
}

interface RefreshTokenRow {
  token_hash: string;
  session_id: string;
  user_id: string;
  email: string;
  roles: string;
  email_verified: number;
  session_created_at: number;
  expires_at: number;
  session_expires_at: number;
  session_revoked_at: number | null;
  rotated_at: number | null;
  successor_hash: string | null;
  successor_sealed: string | null;
  successor_present: number | null;
  successor_rotated_at: number | null;
}

function mapRefreshTokenRow(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    sessionId: row.session_id,
    userId: row.user_id,
    email: row.email,
    roles: parseRoles(row.roles),
    emailVerified: row.email_verified === 1,
    sessionCreatedAt: row.session_created_at,
    expiresAt: row.expires_at,
    sessionExpiresAt: row.session_expires_at,
    sessionRevokedAt: row.session_revoked_at,
    rotatedAt: row.rotated_at,
    successorHash: row.successor_hash,
    successorSealed: row.successor_sealed,
    successorIsCurrent: row.successor_present === 1 && row.successor_rotated_at === null,
  };
}

/**
 * Looks up a refresh token by hash with its session and user, and counts
 * the request against the client's IP when asked: one batch, one round trip.
 */
export async function findRefreshToken(
  env: StorageBindings,
  tokenHash: string,
  routingKey: string,
  ipCounter: IpCounterRequest | null = null,
): Promise<{ record: RefreshTokenRecord | null; ipRequests: number | null }> {
  const db = databaseForKey(env, routingKey);
  const lookup = db
    .prepare(
      `SELECT t.token_hash, t.session_id, s.user_id, u.email, u.roles, u.email_verified, s.created_at AS session_created_at, t.expires_at,
              s.expires_at AS session_expires_at, s.revoked_at AS session_revoked_at,
              t.rotated_at, t.successor_hash, t.successor_sealed,
              CASE WHEN n.token_hash IS NULL THEN 0 ELSE 1 END AS successor_present,
              n.rotated_at AS successor_rotated_at
       FROM refresh_tokens t
       JOIN sessions s ON s.id = t.session_id
       JOIN users u ON u.id = s.user_id
       LEFT JOIN refresh_tokens n ON n.token_hash = t.successor_hash
       WHERE t.token_hash = ?1`,
    )
    .bind(tokenHash);
  const statements = ipCounter ? [countIpRequestStatement(db, ipCounter), lookup] : [lookup];
  const results = await runStorage('find refresh token', () => db.batch(statements));
  const row = results[results.length - 1]?.results[0] as RefreshTokenRow | undefined;
  return { record: row ? mapRefreshTokenRow(row) : null, ipRequests: ipCounter ? readIpRequestCount(results[0]) : null };
}

/** What a rotation attempt found once its batch committed. */
export type RotationOutcome =
  | { outcome: 'rotated' }
  | { outcome: 'lost_race'; successorSealed: string; rotatedAt: number }
  | { outcome: 'session_gone' };

/** The rotation to attempt. */
export interface RotationRequest {
  presentedHash: string;
  sessionId: string;
  successorHash: string;
  successorSealed: string;
  expiresAt: number;
  nowSeconds: number;
  /** More statements to commit only if this rotation wins (e.g. an event row). */
  extraStatements?: (db: D1Database) => D1PreparedStatement[];
}

/**
 * Rotates a refresh token in one `batch()` (one round trip, one transaction):
 * marks the presented token rotated only if it still is current and its
 * session is live, inserts the successor only if that mark is ours, and
 * reads back which rotation won. Two concurrent rotations can never both
 * create a successor; the loser learns the winner's sealed successor.
 */
export async function rotateRefreshToken(env: StorageBindings, request: RotationRequest): Promise<RotationOutcome> {
  const db = databaseForKey(env, request.sessionId);
  const { presentedHash, sessionId, successorHash, successorSealed, expiresAt, nowSeconds } = request;
  const wonRotation = 'EXISTS (SELECT 1 FROM refresh_tokens WHERE token_hash = ?1 AND successor_hash = ?2)';
  const statements = [
    db
      .prepare(
        `UPDATE refresh_tokens SET rotated_at = ?2, successor_hash = ?3, successor_sealed = ?4
         WHERE token_hash = ?1 AND rotated_at IS NULL
           AND EXISTS (SELECT 1 FROM sessions WHERE id = ?5 AND revoked_at IS NULL AND expires_at > ?2)`,
      )
      .bind(presentedHash, nowSeconds, successorHash, successorSealed, sessionId),
    db
      .prepare(`INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) SELECT ?2, ?3, ?4, ?5 WHERE ${wonRotation}`)
      .bind(presentedHash, successorHash, sessionId, nowSeconds, expiresAt),
    db.prepare(`UPDATE sessions SET last_used_at = ?3 WHERE id = ?4 AND ${wonRotation}`).bind(presentedHash, successorHash, nowSeconds, sessionId),
    ...(request.extraStatements?.(db) ?? []),
    db.prepare('SELECT rotated_at, successor_hash, successor_sealed FROM refresh_tokens WHERE token_hash = ?1').bind(presentedHash),
  ];
  const results = await runStorage('rotate refresh token', () => db.batch(statements));
  const last = results[results.length - 1]?.results[0] as
    | { rotated_at: number | null; successor_hash: string | null; successor_sealed: string | null }
    | undefined;
  if (!last || last.rotated_at === null) return { outcome: 'session_gone' };
  if (last.successor_hash === successorHash) return { outcome: 'rotated' };
  if (last.successor_sealed === null) return { outcome: 'session_gone' };
  return { outcome: 'lost_race', successorSealed: last.successor_sealed, rotatedAt: last.rotated_at };
}
