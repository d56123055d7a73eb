// Logging out one session, from a refresh token, a bearer token, or both.

import { parseRefreshToken } from '../core/ids';
import type { EventClient } from './auth-events';
import { databaseForKey, databaseOfKnownShard, type StorageBindings } from '../storage/database';
import { findLegacyTokenSession, findSessionOfRefreshToken } from './refresh-token-rows';
import { hashRefreshToken, hashReuseProof } from './refresh-secrets';
import { revokeSessions, type RevocationSettings, type SessionRef } from './revoke';

/** What logout was given: each part may be absent or invalid. */
export interface LogoutRequest {
  refreshToken: string | undefined;
  /** The session of a verified bearer token. */
  bearerSession: SessionRef | undefined;
  client: EventClient;
}

/**
 * Revokes the session named by the refresh token and/or the bearer token
 * through `revokeSessions`. Idempotent: nothing valid means nothing to do.
 * At most two D1 round trips (find the refresh token's session; the
 * revocation batch) and one KV write per session revoked. Returns the ids
 * of the sessions it ended. The user's database is resolved once: the
 * refresh token's shard when it named a session, else the bearer's user's.
 */
export async function logoutSession(env: StorageBindings, settings: RevocationSettings, request: LogoutRequest, nowSeconds: number): Promise<string[]> {
  const sessions: SessionRef[] = [];
  const found = request.refreshToken === undefined ? null : await findSessionOfPresentedToken(env, request.refreshToken);
  if (found) sessions.push(found.session);
  const bearer = request.bearerSession;
  if (bearer && !sessions.some((session) => session.sessionId === bearer.sessionId)) sessions.push(bearer);
  const first = sessions[0];
  if (!first) return [];
  return revokeSessions(env, found?.db ?? databaseForKey(env, first.userId), settings, {
    target: { sessions },
    reason: 'logout',
    nowSeconds,
    event: { userId: first.userId, sessionId: first.sessionId, client: request.client },
  });
}

/**
 * The session a presented refresh token proves, with the database it lives
 * in (its user's shard), or `null` (a new-format token names its session; a
 * legacy one is looked up).
 */
async function findSessionOfPresentedToken(env: StorageBindings, token: string): Promise<{ session: SessionRef; db: D1Database } | null> {
  const shape = parseRefreshToken(token);
  const db = shape ? databaseOfKnownShard(env, token) : null;
  if (!shape || db === null) return null;
  const tokenHash = await hashRefreshToken(token);
  const session =
    shape.format === 'session' ? await findSessionOfRefreshToken(db, shape.sessionId, tokenHash, await hashReuseProof(shape.reuseProof)) : await findLegacyTokenSession(db, tokenHash);
  return session === null ? null : { session, db };
}
