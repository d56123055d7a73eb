// Step-up before email change and account deletion: the current password, or a recent sign-in when there is none.

import type { AuthContext } from '../app-env';
import { AuthError } from '../errors';
import { invalidToken } from '../middleware/require-auth';
import { verifyPassword } from '../passwords/hash';
import { normalizePassword, PASSWORD_MAX_CHARACTERS, passwordLength } from '../passwords/policy';
import type { StorageBindings } from '../storage/database';
import { endCheckOnHomeShard, readLoginState } from '../storage/login-attempts';
import type { LockoutPolicy } from '../storage/login-failures';
import type { UserRecord } from '../storage/users';
import type { ClientInfo } from './client-info';
import { countFailedAttempt } from './failed-attempt';
import { requireGrantedClaim } from './attempt-claim';
import { hashEmailForThrottle } from './throttle';

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
 * Refuses with 403 `reauthentication_required` unless the caller's session
 * signed in (`auth_time`) within the last RECENT_SIGN_IN_SECONDS. The gate of
 * every action DESIGN marks "bearer, recent".
 */
export function requireRecentSignIn(caller: Pick<AuthContext, 'claims'>, nowSeconds: number): void {
  const authTime = caller.claims.auth_time;
  if (authTime === undefined || nowSeconds - authTime > RECENT_SIGN_IN_SECONDS) {
    throw new AuthError('reauthentication_required', 'Sign in again to confirm it is you, then retry.', { logReason: 'sign-in not recent' });
  }
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
  const lookup = { email: caller.email, userId: caller.userId, emailHash };
  const found = (await readLoginState(context.env, lookup)).user;
  if (!found) throw invalidToken(true, 'user no longer exists');
  if (!hasPassword(found)) {
    // No secret is checked here, so no check is claimed: a claim taken now would never be settled.
    requireRecentSignIn(caller, context.nowSeconds);
    return found;
  }
  if (password === undefined) {
    throw new AuthError('invalid_credentials', 'Enter the current password to confirm it is you.', { logReason: 'password missing' });
  }
  // The same atomic claim as login and password change: concurrent guesses get no more checks than the lockout allows.
  const probe = await readLoginState(context.env, { ...lookup, claim: { nowSeconds: context.nowSeconds, policy: context.lockout } });
  const user = probe.user;
  if (!user) throw invalidToken(true, 'user no longer exists');
  const claim = requireGrantedClaim(probe.claim, probe.failures, context.lockout, context.nowSeconds);
  const normalized = normalizePassword(password);
  const tooLong = passwordLength(normalized) > PASSWORD_MAX_CHARACTERS;
  if (tooLong || !(await verifyPassword(normalized, user.passwordHash))) {
    const attempt = { email: caller.email, emailHash, userId: user.id, sessionId: caller.sessionId, kind: 'reauthentication_failed' as const, client: context.client };
    await countFailedAttempt(context.env, context.lockout, context.nowSeconds, attempt);
    throw new AuthError('invalid_credentials', 'The current password is incorrect.', { logReason: 'wrong password' });
  }
  await endCheckOnHomeShard(context.env, { emailHash, claim, homeShard: probe.homeShard }, 'settle', context.nowSeconds);
  return user;
}
