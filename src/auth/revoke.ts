// The one way sessions end: revoked in D1 (one batch), then each one's KV flag raised so access tokens die too.

import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../tokens/access';
import { insertAuthEventStatement, type EventClient } from '../storage/auth-events';
import { databaseForKey, runStorage, type StorageBindings } from '../storage/database';
import { flagSessionRevoked, revocationFlagTtlSeconds } from '../storage/revocations';
import {
  recentlyRevokedSessionStatement,
  recentlyRevokedUserSessionsStatement,
  revokeSessionStatement,
  revokeUserSessionsStatement,
  type RevocationReason,
} from '../storage/sessions';

/** Settings revocation needs from the Config. */
export interface RevocationSettings {
  accessTokenTtlSeconds: number;
}

/** A session to end, with the user it must belong to. */
export interface SessionRef {
  sessionId: string;
  userId: string;
}

/** Which sessions to end: named ones, or every live one of a user (optionally but one). */
export type RevocationTarget = { sessions: readonly SessionRef[] } | { userId: string; exceptSessionId?: string };

/** One revocation: what to end, why, and what else commits with it. */
export interface RevocationRequest {
  target: RevocationTarget;
  reason: RevocationReason;
  nowSeconds: number;
  /**
   * Records an event of type `reason` for `userId` in the same batch: only
   * if one of the user's sessions was revoked by it, unless `always`.
   */
  event?: { userId: string; sessionId: string | null; client: EventClient | null; always?: boolean };
  /** More statements that must commit with the revocation (e.g. a new password hash). */
  extraStatements?: (db: D1Database) => D1PreparedStatement[];
}

/**
 * Revokes sessions in D1 in one batch (with the event and any extra
 * statements, atomically), then raises the KV flag of every session it
 * revoked, for as long as any of its access tokens could still verify.
 * Sessions already revoked keep their first revocation, but their flag is
 * raised again while their access tokens could still verify (so a retry
 * after a failed KV write still kills them). Costs one D1 round trip plus
 * one KV write per such session. Returns the ids this call revoked.
 *
 * @example
 * await revokeSessions(env, config, { target: { userId }, reason: 'logout_all', nowSeconds });
 */
export async function revokeSessions(env: StorageBindings, settings: RevocationSettings, request: RevocationRequest): Promise<string[]> {
  const { target, reason, nowSeconds } = request;
  const routingKey = 'sessions' in target ? target.sessions[0]?.sessionId : target.userId;
  if (routingKey === undefined) return [];
  const db = databaseForKey(env, routingKey);
  const revocations =
    'sessions' in target
      ? target.sessions.map((session) => revokeSessionStatement(db, session.sessionId, session.userId, reason, nowSeconds))
      : [revokeUserSessionsStatement(db, target.userId, target.exceptSessionId ?? null, reason, nowSeconds)];
  const statements = [...revocations, ...(request.extraStatements?.(db) ?? [])];
  const event = request.event;
  if (event) {
    const revokedNow = { sql: 'EXISTS (SELECT 1 FROM sessions WHERE user_id = ?2 AND revoked_at = ?7 AND revoked_reason = ?1)', parameters: [] };
    const entry = { type: reason, userId: event.userId, sessionId: event.sessionId, client: event.client };
    statements.push(insertAuthEventStatement(db, entry, nowSeconds, event.always ? undefined : revokedNow));
  }
  // Every session of the target revoked recently enough that its access tokens
  // may still verify gets its flag (again): a retry after a failed KV write heals it.
  const flagWindowStart = nowSeconds - revocationFlagTtlSeconds(settings.accessTokenTtlSeconds, CLOCK_SKEW_SECONDS);
  const toFlag =
    'sessions' in target
      ? target.sessions.map((session) => recentlyRevokedSessionStatement(db, session.sessionId, session.userId, flagWindowStart))
      : [recentlyRevokedUserSessionsStatement(db, target.userId, target.exceptSessionId ?? null, flagWindowStart)];
  const results = await runStorage(`revoke sessions (${reason})`, () => db.batch([...statements, ...toFlag]));
  const idsIn = (batchResults: D1Result[]) => batchResults.flatMap((result) => (result.results as { id: string }[]).map((row) => row.id));
  const revokedIds = idsIn(results.slice(0, revocations.length));
  await raiseRevocationFlags(env, idsIn(results.slice(statements.length)), nowSeconds);
  return [...new Set(revokedIds)];
}

/**
 * Raises the KV flag of each session id (one write each). A flag outlives the
 * longest access token any verifier may still accept: one issued under an
 * earlier, longer ACCESS_TOKEN_TTL_SECONDS included, so it covers the ceiling
 * (`MAX_ACCESS_TOKEN_TTL_SECONDS`, what createVerifier accepts by default),
 * not just today's setting.
 */
async function raiseRevocationFlags(env: StorageBindings, sessionIds: readonly string[], nowSeconds: number): Promise<void> {
  const ttlSeconds = revocationFlagTtlSeconds(MAX_ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS);
  await Promise.all([...new Set(sessionIds)].map((sessionId) => flagSessionRevoked(env.KV, sessionId, ttlSeconds, nowSeconds)));
}
