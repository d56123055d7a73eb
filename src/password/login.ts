// Checking a password and opening a session, behind the per-account lockout (the route applies the per-IP limit).

import { AuthError } from '../core/errors';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './hash';
import { normalizePassword, PASSWORD_MAX_CHARACTERS, passwordLength } from './policy';
import type { StorageBindings } from '../storage/database';
import { endCheckOnHomeShard, readLoginState, type GrantedCheck } from './login-attempts';
import type { LockoutPolicy } from './login-failures';
import { updatePasswordHashStatement, type UserRecord } from '../storage/users';
import { needsSecondStep, requireSignInAllowed } from '../core/account-policy';
import type { ClientInfo } from '../http/client-info';
import { normalizeEmail } from '../core/email';
import { countFailedAttempt } from './failed-attempt';
import { requireGrantedClaim } from './attempt-claim';
import { openSignInSession } from '../sessions/sign-in-session';
import { requireSecondFactor } from '../totp/mfa-login';
import { hashEmailForThrottle } from './throttle';
import { PASSWORD_AMR, type IssuedSession } from '../sessions/token-response';

/** What login needs besides the credentials. */
export interface LoginContext {
  env: StorageBindings;
  nowSeconds: number;
  refreshTokenTtlSeconds: number;
  client: ClientInfo;
  lockout: LockoutPolicy;
  /** REQUIRE_EMAIL_VERIFICATION: a correct password on an unverified address opens no session. */
  requireEmailVerification?: boolean;
}

function invalidCredentials(logReason: string): AuthError {
  return new AuthError('invalid_credentials', 'Email or password is incorrect.', { logReason });
}

/**
 * Verifies the credentials and opens a session in at most two D1 round
 * trips: one batch that finds the user and claims a password check on the
 * account's failure record (`requireGrantedClaim`); then one batch that
 * either opens the session (the session with its index entries and the
 * sign-in event, settling the claim, re-hashing an old-parameter hash) or
 * counts the failure. A refused claim (a lock, or the last attempts already
 * in flight) answers 429 before any password work, the right password
 * included, identically whether or not the account exists. An unknown email
 * costs the same password work as a wrong password. The route applies the
 * per-IP limit before any of this.
 */
export async function loginWithPassword(context: LoginContext, rawEmail: string, rawPassword: string): Promise<IssuedSession> {
  const email = normalizeEmail(rawEmail);
  const password = normalizePassword(rawPassword);
  const tooLong = passwordLength(password) > PASSWORD_MAX_CHARACTERS;
  const emailHash = email ? await hashEmailForThrottle(email) : null;
  const state = await readLoginState(context.env, {
    email,
    findUser: !tooLong,
    emailHash,
    claim: { nowSeconds: context.nowSeconds, policy: context.lockout },
  });
  const claim = email && emailHash ? requireGrantedClaim(state.claim, state.failures, context.lockout, context.nowSeconds) : null;

  const user = state.user;
  // An account without a password (passkey or provider sign-in) costs the same work as an unknown email.
  const passwordMatches = user && user.passwordHash !== '' ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password.slice(0, PASSWORD_MAX_CHARACTERS * 4));
  if (!user || !passwordMatches) {
    if (email && emailHash) {
      const attempt = { email, emailHash, userId: user?.id ?? null, sessionId: null, kind: 'login_failed' as const, client: context.client };
      await countFailedAttempt(state, context.lockout, context.nowSeconds, attempt);
    }
    throw invalidCredentials(!email ? 'malformed email' : user ? 'wrong password' : 'unknown email or over-long password');
  }
  const check = emailHash !== null && claim !== null ? { emailHash, claim, homeShard: state.homeShard, homeDb: state.homeDb } : null;
  // The user's shard, resolved once by the first look: everything from here on runs there.
  const userDb = state.userDb!;
  // REQUIRE_EMAIL_VERIFICATION (issue 13): checked only once the password matched.
  try {
    requireSignInAllowed(user, 'password', context.requireEmailVerification === true);
  } catch (refusal) {
    // The password was right: give the claim back as a success, or it would hold an attempt until it times out.
    if (check !== null) await endCheckOnHomeShard(check, 'settle', context.nowSeconds);
    throw refusal;
  }
  // TOTP on: the right password earns an mfa_token (403 mfa_required), not a session.
  if (needsSecondStep(user, 'password')) await requireSecondFactor(userDb, user, check, context.nowSeconds);
  return openSession(context, userDb, user, password, check);
}

async function openSession(context: LoginContext, userDb: D1Database, user: UserRecord, password: string, check: GrantedCheck | null): Promise<IssuedSession> {
  const extraStatements = needsRehash(user.passwordHash) ? [updatePasswordHashStatement(userDb, user.id, await hashPassword(password))] : [];
  const signIn = { client: context.client, nowSeconds: context.nowSeconds, refreshTokenTtlSeconds: context.refreshTokenTtlSeconds, amr: PASSWORD_AMR };
  return openSignInSession(userDb, user, { ...signIn, check, extraStatements, operation: 'open session' });
}
