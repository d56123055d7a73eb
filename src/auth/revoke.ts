// The one way sessions end: revoked in D1, then their KV flags raised so access tokens die too.

import { CLOCK_SKEW_SECONDS } from '../tokens/access';
import type { StorageBindings } from '../storage/database';
import { flagSessionRevoked, revocationFlagTtlSeconds } from '../storage/revocations';
import { revokeSessionStatement, runBatch, type RevocationReason } from '../storage/sessions';

/** Settings revocation needs from the Config. */
export interface RevocationSettings {
  accessTokenTtlSeconds: number;
}

/** A session to end, with the user it must belong to. */
export interface SessionRef {
  sessionId: string;
  userId: string;
}

/**
 * Revokes sessions in D1 (one batch) and raises each one's KV flag for as
 * long as any of its access tokens could still verify.
 */
export async function revokeSessions(
  env: StorageBindings,
  settings: RevocationSettings,
  sessions: readonly SessionRef[],
  reason: RevocationReason,
  nowSeconds: number,
): Promise<void> {
  if (sessions.length === 0) return;
  const first = sessions[0];
  if (!first) return;
  const statements = sessions.map((session) => revokeSessionStatement(env, session.sessionId, session.userId, reason, nowSeconds));
  await runBatch(env, first.sessionId, statements, `revoke sessions (${reason})`);
  await raiseRevocationFlags(env, settings, sessions.map((session) => session.sessionId), nowSeconds);
}

/** Raises the KV flag of each session id (one write each). */
export async function raiseRevocationFlags(
  env: StorageBindings,
  settings: RevocationSettings,
  sessionIds: readonly string[],
  nowSeconds: number,
): Promise<void> {
  const ttlSeconds = revocationFlagTtlSeconds(settings.accessTokenTtlSeconds, CLOCK_SKEW_SECONDS);
  await Promise.all([...new Set(sessionIds)].map((sessionId) => flagSessionRevoked(env.KV, sessionId, ttlSeconds, nowSeconds)));
}
