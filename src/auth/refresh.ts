// Refresh-token rotation with a grace window for concurrent tabs and reuse detection.

import { AuthError } from '../errors';
import { looksLikeRefreshToken, newRefreshToken } from '../ids';
import { logAuthEvent } from '../log';
import type { StorageBindings } from '../storage/database';
import { findRefreshToken, rotateRefreshToken, type RefreshTokenRecord } from '../storage/refresh-tokens';
import { hashRefreshToken, sealSuccessor, unsealSuccessor } from '../tokens/refresh';
import { insertAuthEventStatement } from '../storage/auth-events';
import type { ClientInfo } from './client-info';
import { revokeSessions, type RevocationSettings } from './revoke';
import { enforceIpLimit, ipCounterFor } from './throttle';
import { PASSWORD_AMR, type IssuedSession } from './token-response';

/** What a refresh needs besides the presented token. */
export interface RefreshContext {
  env: StorageBindings;
  nowSeconds: number;
  graceSeconds: number;
  revocation: RevocationSettings;
  client: ClientInfo;
  ipRateLimitPerMinute: number;
}

/** 401 `invalid_refresh_token`; the reason goes to the log only. */
export function invalidRefreshToken(logReason: string): AuthError {
  return new AuthError('invalid_refresh_token', 'The refresh token is invalid, expired or revoked. Sign in again.', { logReason });
}

/**
 * Exchanges a refresh token for its successor. At most two D1 round trips
 * and no KV operation on the normal path: one lookup (batched with the
 * per-IP counter), one rotation batch (with the `refresh` event).
 * A replay of the immediate predecessor inside the grace window gets the
 * same successor (no write at all); any other reuse revokes the session.
 */
export async function refreshSession(context: RefreshContext, presented: string): Promise<IssuedSession> {
  if (!looksLikeRefreshToken(presented)) throw invalidRefreshToken('not shaped like a refresh token');
  const presentedHash = await hashRefreshToken(presented);
  const ipCounter = ipCounterFor(context.client.ip, context.ipRateLimitPerMinute, context.nowSeconds);
  const { record, ipRequests } = await findRefreshToken(context.env, presentedHash, presented, ipCounter);
  enforceIpLimit(ipRequests, context.ipRateLimitPerMinute, context.nowSeconds);
  if (!record) throw invalidRefreshToken('unknown refresh token');
  if (record.sessionRevokedAt !== null) throw invalidRefreshToken('session revoked');
  if (record.sessionExpiresAt <= context.nowSeconds || record.expiresAt <= context.nowSeconds) {
    throw invalidRefreshToken('refresh token expired');
  }
  if (record.rotatedAt === null) return rotate(context, presented, record);
  return replayWithinGrace(context, presented, record);
}

async function rotate(context: RefreshContext, presented: string, record: RefreshTokenRecord): Promise<IssuedSession> {
  const successor = newRefreshToken();
  const successorSealed = await sealSuccessor(presented, successor);
  const successorHash = await hashRefreshToken(successor);
  const event = { type: 'refresh' as const, userId: record.userId, sessionId: record.sessionId, client: context.client };
  const outcome = await rotateRefreshToken(context.env, {
    presentedHash: record.tokenHash,
    sessionId: record.sessionId,
    successorHash,
    successorSealed,
    expiresAt: record.sessionExpiresAt,
    nowSeconds: context.nowSeconds,
    // The event lands only if this rotation won.
    extraStatements: (db) => [
      insertAuthEventStatement(db, event, context.nowSeconds, {
        sql: 'EXISTS (SELECT 1 FROM refresh_tokens WHERE token_hash = ?8 AND successor_hash = ?9)',
        parameters: [record.tokenHash, successorHash],
      }),
    ],
  });
  if (outcome.outcome === 'session_gone') throw invalidRefreshToken('session ended during rotation');
  if (outcome.outcome === 'rotated') return issued(record, successor);
  // A concurrent request rotated the same token first: hand back its successor.
  const winner = await unsealSuccessor(presented, outcome.successorSealed);
  if (!winner) throw invalidRefreshToken('winning successor did not unseal');
  return issued(record, winner);
}

async function replayWithinGrace(context: RefreshContext, presented: string, record: RefreshTokenRecord): Promise<IssuedSession> {
  const rotatedAt = record.rotatedAt ?? 0;
  const withinGrace = context.nowSeconds - rotatedAt <= context.graceSeconds;
  if (withinGrace && record.successorIsCurrent && record.successorSealed !== null) {
    const successor = await unsealSuccessor(presented, record.successorSealed);
    if (successor) return issued(record, successor);
  }
  logAuthEvent('refresh_token_reused', {
    sid: record.sessionId,
    user_id: record.userId,
    seconds_since_rotation: context.nowSeconds - rotatedAt,
    ip: context.client.ip,
  });
  await revokeSessions(context.env, context.revocation, {
    target: { sessions: [{ sessionId: record.sessionId, userId: record.userId }] },
    reason: 'refresh_token_reused',
    nowSeconds: context.nowSeconds,
    event: { userId: record.userId, sessionId: record.sessionId, client: context.client },
  });
  throw invalidRefreshToken('refresh token reused');
}

function issued(record: RefreshTokenRecord, refreshToken: string): IssuedSession {
  return {
    userId: record.userId,
    sessionId: record.sessionId,
    email: record.email,
    roles: record.roles,
    emailVerified: record.emailVerified,
    authTime: record.sessionCreatedAt,
    amr: PASSWORD_AMR,
    refreshToken,
    sessionExpiresAt: record.sessionExpiresAt,
  };
}
