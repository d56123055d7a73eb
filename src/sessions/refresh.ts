// Refresh-token rotation in one D1 round trip, with a grace window for concurrent tabs and reuse detection.

import { AuthError } from '../core/errors';
import { newReuseProof, newRefreshToken, parseRefreshToken, type RefreshTokenShape } from '../core/ids';
import { logAuthEvent } from '../core/log';
import { databaseOfKnownShard, type StorageBindings } from '../storage/database';
import { findLegacyTokenSession, rotateRefreshToken, type RefreshState } from './refresh-token-rows';
import { hashRefreshToken, hashReuseProof, sealSuccessor, unsealSuccessor } from './refresh-secrets';
import type { ClientInfo } from '../http/client-info';
import { revokeSessions, type RevocationSettings } from './revoke';
import { PASSWORD_AMR, type IssuedSession } from './token-response';

/** What a refresh needs besides the presented token. */
export interface RefreshContext {
  env: StorageBindings;
  nowSeconds: number;
  graceSeconds: number;
  revocation: RevocationSettings;
  client: ClientInfo;
}

/** 401 `invalid_refresh_token`; the reason goes to the log only. */
export function invalidRefreshToken(logReason: string): AuthError {
  return new AuthError('invalid_refresh_token', 'The refresh token is invalid, expired or revoked. Sign in again.', { logReason });
}

/**
 * Exchanges a refresh token for its successor in one D1 batch (one round
 * trip, one row written, no KV call): the successor is drawn and sealed
 * under the presented token first, then the batch rotates only if the
 * presented token is still current and reads the session back.
 * - The winner of concurrent rotations gets its successor; the others are
 *   replays of the immediate predecessor and, inside the grace window, get
 *   the same successor back (and leave a `refresh_token_replayed` event).
 * - Any other genuine token of the session (its predecessor past the window,
 *   or any earlier one: it carries the session's reuse proof) revokes the
 *   session. A token that proves nothing is only refused.
 */
export async function refreshSession(context: RefreshContext, presented: string): Promise<IssuedSession> {
  const shape = parseRefreshToken(presented);
  if (!shape) throw invalidRefreshToken('not shaped like a refresh token');
  // The token's shard is its session's and its user's: the one database this refresh uses.
  const db = databaseOfKnownShard(context.env, presented);
  if (db === null) throw invalidRefreshToken('names no shard of this deployment');
  const presentedHash = await hashRefreshToken(presented);
  // A token from before migration 0005 does not name its session: one more
  // round trip finds it, once per such session (its successor names it).
  const sessionId = shape.format === 'session' ? shape.sessionId : (await findLegacyTokenSession(db, presentedHash))?.sessionId ?? null;
  if (sessionId === null) throw invalidRefreshToken('unknown refresh token');
  // A pre-0005 session gets its reuse proof with its first new-format token.
  const reuseProof = shape.format === 'session' ? shape.reuseProof : newReuseProof();
  const successor = newRefreshToken(sessionId, reuseProof);
  const successorHash = await hashRefreshToken(successor);
  const state = await rotateRefreshToken(db, {
    sessionId,
    presentedHash,
    successorHash,
    successorSealed: await sealSuccessor(presented, successor),
    reuseHash: await hashReuseProof(reuseProof),
    nowSeconds: context.nowSeconds,
    graceSeconds: context.graceSeconds,
    client: context.client,
  });
  if (!state) throw invalidRefreshToken('unknown refresh token');
  if (state.refreshHash === successorHash) return issued(state, successor);
  return answerNonCurrent(context, db, presented, presentedHash, state, shape);
}

/** The presented token is not (or no longer) current: a replay in the window, a reuse, or nothing. */
async function answerNonCurrent(
  context: RefreshContext,
  db: D1Database,
  presented: string,
  presentedHash: string,
  state: RefreshState,
  shape: RefreshTokenShape,
): Promise<IssuedSession> {
  if (state.revokedAt !== null) throw invalidRefreshToken('session revoked');
  if (state.expiresAt <= context.nowSeconds) throw invalidRefreshToken('refresh token expired');
  const secondsSinceRotation = state.rotatedAt === null ? null : context.nowSeconds - state.rotatedAt;
  if (state.previousHash === presentedHash) {
    const withinGrace = secondsSinceRotation !== null && secondsSinceRotation <= context.graceSeconds;
    if (withinGrace && state.successorSealed !== null) {
      const successor = await unsealSuccessor(presented, state.successorSealed);
      if (successor !== null && (await hashRefreshToken(successor)) === state.refreshHash) {
        logAuthEvent('refresh_token_replayed', { sid: state.sessionId, user_id: state.userId, seconds_since_rotation: secondsSinceRotation ?? undefined });
        return issued(state, successor);
      }
      throw invalidRefreshToken('sealed successor did not open');
    }
    return revokeForReuse(context, db, state, secondsSinceRotation);
  }
  const genuineOlder =
    shape.format === 'session' ? state.reuseHash !== null && (await hashReuseProof(shape.reuseProof)) === state.reuseHash : state.legacyTokenKnown;
  if (genuineOlder) return revokeForReuse(context, db, state, secondsSinceRotation);
  throw invalidRefreshToken('unknown refresh token');
}

async function revokeForReuse(context: RefreshContext, db: D1Database, state: RefreshState, secondsSinceRotation: number | null): Promise<never> {
  logAuthEvent('refresh_token_reused', {
    sid: state.sessionId,
    user_id: state.userId,
    seconds_since_rotation: secondsSinceRotation ?? undefined,
    ip: context.client.ip,
  });
  await revokeSessions(context.env, db, context.revocation, {
    target: { sessions: [{ sessionId: state.sessionId, userId: state.userId }] },
    reason: 'refresh_token_reused',
    nowSeconds: context.nowSeconds,
    event: { userId: state.userId, sessionId: state.sessionId, client: context.client },
  });
  throw invalidRefreshToken('refresh token reused');
}

function issued(state: RefreshState, refreshToken: string): IssuedSession {
  return {
    userId: state.userId,
    sessionId: state.sessionId,
    email: state.email,
    roles: state.roles,
    emailVerified: state.emailVerified,
    authTime: state.sessionCreatedAt,
    amr: state.amr ?? PASSWORD_AMR,
    refreshToken,
    sessionExpiresAt: state.expiresAt,
  };
}
