// Logging out one session, from a refresh token, a bearer token, or both.

import { looksLikeRefreshToken } from '../ids';
import type { StorageBindings } from '../storage/database';
import { revokeSessionByRefreshTokenHash, revokeSessionStatement, runBatch } from '../storage/sessions';
import { hashRefreshToken } from '../tokens/refresh';
import { raiseRevocationFlags, type RevocationSettings } from './revoke';

/** What logout was given: each part may be absent or invalid. */
export interface LogoutRequest {
  refreshToken: string | undefined;
  /** The session of a verified bearer token. */
  bearerSession: { sessionId: string; userId: string } | undefined;
}

/**
 * Revokes the session named by the refresh token and/or the bearer token and
 * raises its KV flag. Idempotent: nothing valid means nothing to do. At most
 * two D1 round trips and one KV write per distinct session. Returns the ids
 * of the sessions it ended.
 */
export async function logoutSession(
  env: StorageBindings,
  settings: RevocationSettings,
  request: LogoutRequest,
  nowSeconds: number,
): Promise<string[]> {
  const revoked: string[] = [];
  if (request.refreshToken !== undefined && looksLikeRefreshToken(request.refreshToken)) {
    const hash = await hashRefreshToken(request.refreshToken);
    const session = await revokeSessionByRefreshTokenHash(env, hash, request.refreshToken, 'logout', nowSeconds);
    if (session) revoked.push(session.sessionId);
  }
  const bearer = request.bearerSession;
  if (bearer && !revoked.includes(bearer.sessionId)) {
    const [result] = await runBatch(env, bearer.sessionId, [revokeSessionStatement(env, bearer.sessionId, bearer.userId, 'logout', nowSeconds)], 'logout by bearer');
    if (result && result.results.length > 0) revoked.push(bearer.sessionId);
  }
  await raiseRevocationFlags(env, settings, revoked, nowSeconds);
  return revoked;
}
