// Checking a password and opening a session, behind the per-IP limit and the per-account lockout.

import { AuthError } from '../errors';
import { newRefreshToken, newSessionId } from '../ids';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../passwords/hash';
import { PASSWORD_MAX_CHARACTERS } from '../passwords/policy';
import { insertAuthEventStatement } from '../storage/auth-events';
import { databaseForKey, type StorageBindings } from '../storage/database';
import { readLoginState } from '../storage/login-attempts';
import { clearLoginFailuresStatement, type LockoutPolicy } from '../storage/login-failures';
import { openSessionStatements, runBatch } from '../storage/sessions';
import { updatePasswordHashStatement, type UserRecord } from '../storage/users';
import { hashRefreshToken } from '../tokens/refresh';
import type { ClientInfo } from './client-info';
import { normalizeEmail } from './email';
import { countFailedAttempt } from './failed-attempt';
import { accountLocked, enforceIpLimit, hashEmailForThrottle, ipCounterFor } from './throttle';
import { PASSWORD_AMR, type IssuedSession } from './token-response';

/** What login needs besides the credentials. */
export interface LoginContext {
  env: StorageBindings;
  nowSeconds: number;
  refreshTokenTtlSeconds: number;
  client: ClientInfo;
  lockout: LockoutPolicy;
  ipRateLimitPerMinute: number;
  /** REQUIRE_EMAIL_VERIFICATION: a correct password on an unverified address opens no session. */
  requireEmailVerification?: boolean;
}

function invalidCredentials(logReason: string): AuthError {
  return new AuthError('invalid_credentials', 'Email or password is incorrect.', { logReason });
}

/**
 * Verifies the credentials and opens a session in at most two D1 round
 * trips: one batch that counts the client IP, finds the user and reads the
 * account's failure record; then one batch that either opens the session
 * (clearing failures, re-hashing an old-parameter hash, recording the event)
 * or counts the failure. A locked account answers 429 before any password
 * work, the right password included, identically whether or not it exists.
 * An unknown email costs the same password work as a wrong password.
 */
export async function loginWithPassword(context: LoginContext, rawEmail: string, password: string): Promise<IssuedSession> {
  const email = normalizeEmail(rawEmail);
  const tooLong = [...password].length > PASSWORD_MAX_CHARACTERS;
  const emailHash = email ? await hashEmailForThrottle(email) : null;
  const state = await readLoginState(context.env, {
    email: email && !tooLong ? email : null,
    emailHash,
    ipCounter: ipCounterFor(context.client.ip, context.ipRateLimitPerMinute, context.nowSeconds),
  });
  enforceIpLimit(state.ipRequests, context.ipRateLimitPerMinute, context.nowSeconds);
  const lockedUntil = state.failures?.lockedUntil ?? null;
  if (lockedUntil !== null && lockedUntil > context.nowSeconds) throw accountLocked(lockedUntil - context.nowSeconds);

  const user = state.user;
  const passwordMatches = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password.slice(0, PASSWORD_MAX_CHARACTERS * 4));
  if (!user || !passwordMatches) {
    if (email && emailHash) {
      const attempt = { email, emailHash, userId: user?.id ?? null, sessionId: null, kind: 'login_failed' as const, client: context.client };
      await countFailedAttempt(context.env, context.lockout, context.nowSeconds, attempt);
    }
    throw invalidCredentials(!email ? 'malformed email' : user ? 'wrong password' : 'unknown email or over-long password');
  }
  // REQUIRE_EMAIL_VERIFICATION (issue 13): checked only once the password matched.
  if (context.requireEmailVerification === true && !user.emailVerified) {
    throw new AuthError('email_not_verified', 'Verify your email address first: follow the link we sent you.', { logReason: 'address not verified' });
  }
  return openSession(context, user, password, emailHash !== null && state.failures !== null ? emailHash : null);
}

async function openSession(context: LoginContext, user: UserRecord, password: string, failuresToClear: string | null): Promise<IssuedSession> {
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
  if (failuresToClear !== null) statements.push(clearLoginFailuresStatement(db, failuresToClear));
  if (needsRehash(user.passwordHash)) {
    statements.push(updatePasswordHashStatement(context.env, user.id, await hashPassword(password)));
  }
  await runBatch(context.env, sessionId, statements, 'open session');
  const signIn = { emailVerified: user.emailVerified, authTime: context.nowSeconds, amr: PASSWORD_AMR };
  return { userId: user.id, sessionId, email: user.email, roles: user.roles, ...signIn, refreshToken, sessionExpiresAt };
}
