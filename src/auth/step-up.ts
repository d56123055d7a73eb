// Step-up before email change and account deletion: the current password, or a recent sign-in when there is none.

import type { AuthContext } from '../app-env';
import { AuthError } from '../errors';
import { invalidToken } from '../middleware/require-auth';
import { verifyPassword } from '../passwords/hash';
import { PASSWORD_MAX_CHARACTERS } from '../passwords/policy';
import type { StorageBindings } from '../storage/database';
import { readLoginState } from '../storage/login-attempts';
import type { LockoutPolicy } from '../storage/login-failures';
import type { UserRecord } from '../storage/users';
import type { ClientInfo } from './client-info';
import { countFailedAttempt } from './failed-attempt';
import { accountLocked, hashEmailForThrottle } from './throttle';

/** A sign-in at most this old counts as recent. */
export const RECENT_SIGN_IN_SECONDS = 600;

/** What a step-up needs besides the caller. */
export interface StepUpContext {
  env: StorageBindings;
  nowSeconds: number;
  lockout: LockoutPolicy;
  client: ClientInfo;
}

/** True when the account has a password (accounts from passkeys or providers may have none). */
export function hasPassword(user: Pick<UserRecord, 'passwordHash'>): boolean {
  return user.passwordHash !== '';
}

/**
 * Confirms the caller is the account holder. With a password: it must be
 * given and right; a wrong one counts towards the account's lockout exactly
 * as on /auth/password (429 while locked). Without one: the session must
 * have signed in within the last 10 minutes (403 `reauthentication_required`).
 * Returns the user as stored now.
 */
export async function confirmAccountHolder(
  context: StepUpContext,
  caller: Pick<AuthContext, 'userId' | 'sessionId' | 'email' | 'claims'>,
  password: string | undefined,
): Promise<UserRecord> {
  const emailHash = await hashEmailForThrottle(caller.email);
  const state = await readLoginState(context.env, { email: caller.email, userId: caller.userId, emailHash, ipCounter: null });
  const user = state.user;
  if (!user) throw invalidToken(true, 'user no longer exists');
  if (!hasPassword(user)) {
    const authTime = caller.claims.auth_time;
    if (authTime === undefined || context.nowSeconds - authTime > RECENT_SIGN_IN_SECONDS) {
      throw new AuthError('reauthentication_required', 'Sign in again to confirm it is you, then retry.', { logReason: 'sign-in not recent' });
    }
    return user;
  }
  const lockedUntil = state.failures?.lockedUntil ?? null;
  if (lockedUntil !== null && lockedUntil > context.nowSeconds) throw accountLocked(lockedUntil - context.nowSeconds);
  if (password === undefined) {
    throw new AuthError('invalid_credentials', 'Enter the current password to confirm it is you.', { logReason: 'password missing' });
  }
  const tooLong = [...password].length > PASSWORD_MAX_CHARACTERS;
  if (tooLong || !(await verifyPassword(password, user.passwordHash))) {
    const attempt = { email: caller.email, emailHash, userId: user.id, sessionId: caller.sessionId, kind: 'reauthentication_failed' as const, client: context.client };
    await countFailedAttempt(context.env, context.lockout, context.nowSeconds, attempt);
    throw new AuthError('invalid_credentials', 'The current password is incorrect.', { logReason: 'wrong password' });
  }
  return user;
}
