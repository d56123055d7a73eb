// Changing a password with the current one: every other session ends, the current one keeps working.

import { AuthError } from '../core/errors';
import { hashPassword, verifyPassword } from './hash';
import { findPasswordWeakness, normalizePassword, PASSWORD_MAX_CHARACTERS, passwordLength } from './policy';
import type { StorageBindings } from '../storage/database';
import { endCheckBeside, readLoginState } from './login-attempts';
import type { LockoutPolicy } from './login-failures';
import { updatePasswordHashStatement } from '../storage/users';
import type { AuthContext } from '../http/app-env';
import type { ClientInfo } from '../http/client-info';
import { countFailedAttempt } from './failed-attempt';
import { revokeSessions, type RevocationSettings } from '../sessions/revoke';
import { requireGrantedClaim } from './attempt-claim';
import { hashEmailForThrottle } from './throttle';
import { invalidToken } from '../sessions/require-auth';
import { queueSecurityNotice, type SecurityNotices } from '../account/security-notice';

/** What a password change needs besides the passwords. */
export interface PasswordChangeContext {
  env: StorageBindings;
  nowSeconds: number;
  revocation: RevocationSettings;
  lockout: LockoutPolicy;
  client: ClientInfo;
  /** Tells the owner of the change; none outside a request. */
  notices?: SecurityNotices;
}

/**
 * Claims a check on the account's failure record first (the same claim
 * login takes, so concurrent guesses with a stolen access token get no more
 * checks than the lockout allows), checks the current password (a wrong one
 * counts towards the lockout), then in one
 * batch stores the new hash, forgets failures, revokes every other session
 * and records the event; each revoked session's KV flag is raised.
 */
export async function changePassword(
  context: PasswordChangeContext,
  caller: Pick<AuthContext, 'userId' | 'sessionId' | 'email'>,
  rawCurrentPassword: string,
  rawNewPassword: string,
): Promise<void> {
  const currentPassword = normalizePassword(rawCurrentPassword);
  const newPassword = normalizePassword(rawNewPassword);
  // Refused before the claim: a weak new password costs no attempt.
  const weakness = findPasswordWeakness(newPassword, caller.email);
  if (weakness) throw new AuthError('weak_password', weakness);
  const emailHash = await hashEmailForThrottle(caller.email);
  const claim = { nowSeconds: context.nowSeconds, policy: context.lockout };
  const state = await readLoginState(context.env, { email: caller.email, userId: caller.userId, emailHash, claim });
  const granted = requireGrantedClaim(state.claim, state.failures, context.lockout, context.nowSeconds);
  const { user, userDb } = state;
  if (!user || !userDb) throw invalidToken(true, 'user no longer exists');
  const tooLong = passwordLength(currentPassword) > PASSWORD_MAX_CHARACTERS;
  if (tooLong || !(await verifyPassword(currentPassword, user.passwordHash))) {
    const attempt = { email: caller.email, emailHash, userId: user.id, sessionId: caller.sessionId, kind: 'password_change_failed' as const, client: context.client };
    await countFailedAttempt(state, context.lockout, context.nowSeconds, attempt);
    throw new AuthError('invalid_credentials', 'The current password is incorrect.', { logReason: 'wrong current password' });
  }
  const newHash = await hashPassword(newPassword);
  // The claim lives on the email's home shard: settled with the change when that is the user's shard, else right after.
  const ending = endCheckBeside(userDb, user.id, { emailHash, claim: granted, homeShard: state.homeShard, homeDb: state.homeDb }, 'settle', context.nowSeconds);
  await revokeSessions(context.env, userDb, context.revocation, {
    target: { userId: user.id, exceptSessionId: caller.sessionId },
    reason: 'password_changed',
    nowSeconds: context.nowSeconds,
    event: { userId: user.id, sessionId: caller.sessionId, client: context.client, always: true },
    extraStatements: () => [updatePasswordHashStatement(userDb, user.id, newHash), ...ending.statements],
  });
  await ending.afterwards();
  queueSecurityNotice(context.notices, user.id, 'password_changed');
}
