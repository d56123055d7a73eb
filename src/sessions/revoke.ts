// The one way sessions end: revoked in D1 (one batch), then each one's KV flag raised so access tokens die too.

import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../tokens/access';
import { insertAuthEventStatement, type EventClient } from './auth-events';
import { runStorage, type StorageBindings } from '../storage/database';
import { endPendingSecondStepsStatements } from '../totp/pending-sign-ins';
import { forgetNotRevoked } from './revocation-cache';
import { flagSessionRevoked, readRevocationFlag, revocationFlagTtlSeconds } from './revocations';
import {
  recentlyRevokedSessionStatement,
  recentlyRevokedUserSessionsStatement,
  revokeSessionStatement,
  revokeUserSessionsStatement,
  type RevocationReason,
} from './session-rows';

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
 * revoked, for as long as any of its access tokens could still verify, and
 * makes this isolate forget at once that they were live (revocation cache).
 * Sessions already revoked keep their first revocation; while their access
 * tokens could still verify, their flag is read and raised again only if
 * it is missing (so a retry after a failed KV write still kills them, and a
 * repeated logout rewrites nothing). Costs one D1 round trip, one KV write
 * per session this call revoked, and one KV read (plus a write only when the
 * flag is missing) per session revoked earlier. Returns the ids this call revoked.
 *
 * Ending every session of a user (all, or all but the caller's: logout-all,
 * a password change or reset, an admin's revocation) also ends the user's
 * pending second steps in the same batch (`endPendingSecondStepsStatements`):
 * a sign-in half done before the change cannot finish after it.
 *
 * `userDb` is the database of the user's shard (the target's owner, resolved
 * once by the request): a session id naming another shard is simply not
 * found there.
 *
 * @example
 * await revokeSessions(env, databaseForKey(env, userId), config, { target: { userId }, reason: 'logout_all', nowSeconds });
 */
export async function revokeSessions(env: StorageBindings, userDb: D1Database, settings: RevocationSettings, request: RevocationRequest): Promise<string[]> {
  return (await revokeSessionsWithResults(env, userDb, settings, request)).revokedIds;
}

/** `revokeSessions`, also returning the batch results of `extraStatements`, in their order. */
export async function revokeSessionsWithResults(
  env: StorageBindings,
  db: D1Database,
  settings: RevocationSettings,
  request: RevocationRequest,
): Promise<{ revokedIds: string[]; extraResults: D1Result[] }> {
  const { target, reason, nowSeconds } = request;
  if ('sessions' in target && target.sessions.length === 0) return { revokedIds: [], extraResults: [] };
  const revocations =
    'sessions' in target
      ? target.sessions.map((session) => revokeSessionStatement(db, session.sessionId, session.userId, reason, nowSeconds))
      : [revokeUserSessionsStatement(db, target.userId, target.exceptSessionId ?? null, reason, nowSeconds)];
  const pendingSecondSteps = 'userId' in target ? endPendingSecondStepsStatements(db, target.userId) : [];
  const extra = request.extraStatements?.(db) ?? [];
  const statements = [...revocations, ...pendingSecondSteps, ...extra];
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
  const revokedIds = new Set(idsIn(results.slice(0, revocations.length)));
  const recentlyRevokedIds = new Set(idsIn(results.slice(statements.length)));
  forgetNotRevoked([...revokedIds, ...recentlyRevokedIds]);
  await raiseRevocationFlags(env, revokedIds, recentlyRevokedIds, nowSeconds);
  const extraStart = revocations.length + pendingSecondSteps.length;
  return { revokedIds: [...revokedIds], extraResults: results.slice(extraStart, extraStart + extra.length) };
}

/**
 * Raises the KV flag of sessions that ended without a revocation batch (an
 * account deleted with its rows), and makes this isolate forget them at once.
 */
export async function flagEndedSessions(env: StorageBindings, sessionIds: Iterable<string>, nowSeconds: number): Promise<void> {
  const ended = new Set(sessionIds);
  forgetNotRevoked([...ended]);
  await raiseRevocationFlags(env, ended, new Set(), nowSeconds);
}

/**
 * Raises the KV flag of each session this call revoked (one write each),
 * and of each session revoked earlier whose flag is missing (one read each,
 * a write only when the read finds nothing: the retry of a failed write).
 * A flag outlives the longest access token any verifier may still accept:
 * one issued under an earlier, longer ACCESS_TOKEN_TTL_SECONDS included, so
 * it covers the ceiling (`MAX_ACCESS_TOKEN_TTL_SECONDS`, what createVerifier
 * accepts by default), not just today's setting.
 */
async function raiseRevocationFlags(
  env: StorageBindings,
  revokedNow: ReadonlySet<string>,
  revokedEarlier: ReadonlySet<string>,
  nowSeconds: number,
): Promise<void> {
  const ttlSeconds = revocationFlagTtlSeconds(MAX_ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS);
  const raise = (sessionId: string) => flagSessionRevoked(env.KV, sessionId, ttlSeconds, nowSeconds);
  const earlierOnly = [...revokedEarlier].filter((sessionId) => !revokedNow.has(sessionId));
  await Promise.all([
    ...[...revokedNow].map(raise),
    ...earlierOnly.map(async (sessionId) => {
      if (!(await readRevocationFlag(env.KV, sessionId))) await raise(sessionId);
    }),
  ]);
}
