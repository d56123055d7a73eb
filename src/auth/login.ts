// Checking a password and opening a session.

import { AuthError } from '../errors';
import { newRefreshToken, newSessionId } from '../ids';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../passwords/hash';
import { PASSWORD_MAX_CHARACTERS } from '../passwords/policy';
import type { StorageBindings } from '../storage/database';
import { openSessionStatements, runBatch } from '../storage/sessions';
import { findUserByEmail, updatePasswordHashStatement } from '../storage/users';
import { hashRefreshToken } from '../tokens/refresh';
import type { ClientInfo } from './client-info';
import { normalizeEmail } from './email';
import type { IssuedSession } from './token-response';

/** What login needs besides the credentials. */
export interface LoginContext {
  env: StorageBindings;
  nowSeconds: number;
  refreshTokenTtlSeconds: number;
  client: ClientInfo;
}

function invalidCredentials(logReason: string): AuthError {
  return new AuthError('invalid_credentials', 'Email or password is incorrect.', { logReason });
}

/**
 * Verifies the credentials and opens a session: at most two D1 round trips
 * (find the user; one batch that opens the session and, when the stored hash
 * uses old parameters, re-hashes the password). An unknown email costs the
 * same password work as a wrong password and gets the same answer.
 */
export async function loginWithPassword(context: LoginContext, rawEmail: string, password: string): Promise<IssuedSession> {
  const email = normalizeEmail(rawEmail);
  const tooLong = [...password].length > PASSWORD_MAX_CHARACTERS;
  const user = email && !tooLong ? await findUserByEmail(context.env, email) : null;
  if (!user) {
    await verifyAgainstDummy(password.slice(0, PASSWORD_MAX_CHARACTERS * 4));
    throw invalidCredentials(email ? 'unknown email or over-long password' : 'malformed email');
  }
  if (!(await verifyPassword(password, user.passwordHash))) throw invalidCredentials('wrong password');

  const sessionId = newSessionId();
  const refreshToken = newRefreshToken();
  const sessionExpiresAt = context.nowSeconds + context.refreshTokenTtlSeconds;
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
  if (needsRehash(user.passwordHash)) {
    statements.push(updatePasswordHashStatement(context.env, user.id, await hashPassword(password)));
  }
  await runBatch(context.env, sessionId, statements, 'open session');
  return { userId: user.id, sessionId, email: user.email, roles: user.roles, refreshToken, sessionExpiresAt };
}
