// Checking a password and opening a session, behind the per-IP limit and the per-account lockout.

import { AuthError } from '../errors';
import { newRefreshToken, newSessionId } from '../ids';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../passwords/hash';
import { normalizePassword, PASSWORD_MAX_CHARACTERS, passwordLength } from '../passwords/policy';
import { insertAuthEventStatement } from '../storage/auth-events';
import { databaseForKey, databaseForShard, runStorage, shardForEmail, type StorageBindings } from '../storage/database';
import { readLoginState } from '../storage/login-attempts';
import { releaseClaimStatement, settleSuccessfulCheckStatements, type LockoutPolicy } from '../storage/login-failures';
import { openSessionStatements, runBatch } from '../storage/sessions';
import { updatePasswordHashStatement, type UserRecord } from '../storage/users';
import { hashRefreshToken } from '../tokens/refresh';
import type { ClientInfo } from './client-info';
import { normalizeEmail } from './email';
import { countFailedAttempt } from './failed-attempt';
import { requireGrantedClaim, type ClaimedCheck } from './attempt-claim';
import { enforceIpLimit, hashEmailForThrottle, ipCounterFor } from './throttle';
import type { IssuedSession } from './token-response';

/** What login needs besides the credentials. */
export interface LoginContext {
  env: StorageBindings;
  nowSeconds: number;
  refreshTokenTtlSeconds: number;
  client: ClientInfo;
  lockout: LockoutPolicy;
  ipRateLimitPerMinute: number;
}

function invalidCredentials(logReason: string): AuthError {
  return new AuthError('invalid_credentials', 'Email or password is incorrect.', { logReason });
}

/**
 * Verifies the credentials and opens a session in at most two D1 round
 * trips: one batch that counts the client IP, finds the user and claims a
 * password check on the account's failure record (`requireGrantedClaim`);
 * then one batch that either opens the session (settling the claim,
 * re-hashing an old-parameter hash, recording the event) or counts the
 * failure. A refused claim (a lock, or the last attempts already in flight)
 * answers 429 before any password work, the right password included,
 * identically whether or not the account exists. An unknown email costs the
 * same password work as a wrong password.
 */
export async function loginWithPassword(context: LoginContext, rawEmail: string, rawPassword: string): Promise<IssuedSession> {
  const email = normalizeEmail(rawEmail);
  const password = normalizePassword(rawPassword);
  const tooLong = passwordLength(password) > PASSWORD_MAX_CHARACTERS;
  const emailHash = email ? await hashEmailForThrottle(email) : null;
  const state = await readLoginState(context.env, {
    email: email && !tooLong ? email : null,
    emailHash,
    ipCounter: ipCounterFor(context.client.ip, context.ipRateLimitPerMinute, context.nowSeconds),
    claim: { nowSeconds: context.nowSeconds, policy: context.lockout },
  });
  try {
    enforceIpLimit(state.ipRequests, context.ipRateLimitPerMinute, context.nowSeconds);
  } catch (error) {
    if (email && emailHash && state.claim) await releaseClaim(context.env, email, emailHash);
    throw error;
  }
  const claim = email && emailHash ? requireGrantedClaim(state.claim, state.failures, context.lockout, context.nowSeconds) : null;

  const user = state.user;
  const passwordMatches = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password.slice(0, PASSWORD_MAX_CHARACTERS * 4));
  if (!user || !passwordMatches) {
    if (email && emailHash) {
      const attempt = { email, emailHash, userId: user?.id ?? null, sessionId: null, kind: 'login_failed' as const, client: context.client };
      await countFailedAttempt(context.env, context.lockout, context.nowSeconds, attempt);
    }
    throw invalidCredentials(!email ? 'malformed email' : user ? 'wrong password' : 'unknown email or over-long password');
  }
  return openSession(context, user, password, emailHash !== null && claim !== null ? { emailHash, claim } : null);
}

/** Gives back a claim whose check never ran (the per-IP limit refused the request). */
async function releaseClaim(env: StorageBindings, email: string, emailHash: string): Promise<void> {
  const db = databaseForShard(env, shardForEmail(email));
  await runStorage('release attempt claim', () => releaseClaimStatement(db, emailHash).run());
}

async function openSession(
  context: LoginContext,
  user: UserRecord,
  password: string,
  settle: { emailHash: string; claim: ClaimedCheck } | null,
): Promise<IssuedSession> {
  const sessionId = newSessionId();
  const refreshToken = newRefreshToken();
  const sessionExpiresAt = context.nowSeconds + context.refreshTokenTtlSeconds;
  const db = databaseForKey(context.env, user.id);
  const statements = openSessionStatements(context.env, {
    sessionId,
    userId: user.id,
    refreshTokenHash: await hashRefreshToken(refreshToken),
    createdAt: context.nowSeconds,
    expiresAt: sessionExpiresAt,
    userAgent: context.client.userAgent,
    ip: context.client.ip,
    country: context.client.country,
  });
  statements.push(insertAuthEventStatement(db, { type: 'login_succeeded', userId: user.id, sessionId, client: context.client }, context.nowSeconds));
  if (settle !== null) statements.push(...settleSuccessfulCheckStatements(db, settle.emailHash, settle.claim, context.nowSeconds));
  if (needsRehash(user.passwordHash)) {
    statements.push(updatePasswordHashStatement(context.env, user.id, await hashPassword(password)));
  }
  await runBatch(context.env, sessionId, statements, 'open session');
  return { userId: user.id, sessionId, email: user.email, roles: user.roles, refreshToken, sessionExpiresAt };
}
