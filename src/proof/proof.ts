// Proving the account holder in the same request before a protected action: the one check every such action calls.

import type { AuthContext } from '../http/app-env';
import { AuthError } from '../core/errors';
import { invalidToken } from '../sessions/require-auth';
import { verifyPassword } from '../password/hash';
import { normalizePassword, PASSWORD_MAX_CHARACTERS, passwordLength } from '../password/policy';
import { runStorage } from '../storage/database';
import { endCheckBeside, endCheckOnHomeShard, readLoginState, type GrantedCheck } from '../password/login-attempts';
import { recordCounterRegression, recordPasskeyUseStatement } from '../passkeys/passkey-rows';
import { readTotpFactor } from '../totp/totp-factor-rows';
import type { UserRecord } from '../storage/users';
import { parseAssertion, verifyAssertion } from '../passkeys/webauthn/assertion';
import type { AuthenticationResponseJSON } from '../passkeys/webauthn/json';
import { decideProof, requireActionAllowed, type ProofKind, type ProtectedAction } from '../core/account-policy';
import { requireGrantedClaim } from '../password/attempt-claim';
import { countFailedAttempt } from '../password/failed-attempt';
import { consumeChallengeAndFindPasskey } from '../passkeys/sign-in';
import type { PasskeyRelyingParty } from '../passkeys/management';
import { spendSecondFactor, type SecondFactorContext } from '../totp/second-factor';
import { hashEmailForThrottle } from '../password/throttle';

/** The proof a request carries: at most one of the three. */
export interface ProofInput {
  password?: string;
  /** A current TOTP code. */
  code?: string;
  /** An assertion of one of the account's passkeys, its challenge from POST /auth/passkeys/login-options. */
  credential?: AuthenticationResponseJSON;
}

/** What a proof check needs besides the caller: the lockout, TOTP's sealing secret and the passkey relying party. */
export interface ProofContext extends SecondFactorContext {
  rp: PasskeyRelyingParty;
}

/** The caller of a protected action, from its verified access token. */
export type ProofCaller = Pick<AuthContext, 'userId' | 'sessionId' | 'email' | 'claims'>;

/** True when the account has a password (accounts from passkeys or providers may have none). */
export function hasPassword(user: Pick<UserRecord, 'passwordHash'>): boolean {
  return user.passwordHash !== '';
}

/** The kind of proof a request offers, or `null`; 400 when it offers more than one. */
export function offeredProof(input: ProofInput): ProofKind | null {
  const offered: ProofKind[] = [];
  if (input.password !== undefined) offered.push('password');
  if (input.code !== undefined) offered.push('totp_code');
  if (input.credential !== undefined) offered.push('passkey_assertion');
  if (offered.length > 1) throw new AuthError('invalid_request', 'Send one proof: password, code or credential.');
  return offered[0] ?? null;
}

function reauthenticationRequired(action: ProtectedAction): AuthError {
  return new AuthError('reauthentication_required', 'Confirm it is you: send your password, or without one a code from your authenticator app or a passkey.', {
    logReason: `${action}: no proof`,
  });
}

function wrongProof(logReason: string): AuthError {
  return new AuthError('invalid_credentials', 'That did not confirm it is you.', { logReason });
}

/**
 * Proves the caller is the account holder before a protected action, in the
 * same request: a recent access token alone is never enough. Refuses an
 * enrolment while the address is unverified (403 `email_not_verified`, before
 * anything else); with no proof, 403 `reauthentication_required`; with a
 * wrong one, 401 `invalid_credentials`, counted towards the account lockout
 * exactly like a wrong password at login (429 `too_many_attempts` while
 * locked). Which proof the account accepts is `decideProof`'s rule. The
 * user read, and the lockout claim when a proof is offered, share one round
 * trip; a password proof settles in one more. Returns the user as stored now.
 *
 * @example
 * const user = await requireProof(context, c.var.auth, 'passkey_add', { password });
 */
export async function requireProof(context: ProofContext, caller: ProofCaller, action: ProtectedAction, input: ProofInput): Promise<UserRecord> {
  const offered = offeredProof(input);
  const emailHash = await hashEmailForThrottle(caller.email);
  const claim = offered === null ? undefined : { nowSeconds: context.nowSeconds, policy: context.lockout };
  const state = await readLoginState(context.env, { email: caller.email, userId: caller.userId, emailHash, claim });
  const { user, userDb } = state;
  const granted: GrantedCheck | null = state.claim ? { emailHash, claim: state.claim, homeShard: state.homeShard, homeDb: state.homeDb } : null;
  const refusal = user === null ? invalidToken(true, 'user no longer exists') : refusalOf(user, action);
  if (user === null || userDb === null || refusal !== null) {
    // Nothing is checked: give the claim back at once rather than leave it pending.
    if (granted) await endCheckOnHomeShard(granted, 'release', context.nowSeconds);
    throw refusal;
  }
  const session = { authTime: caller.claims.auth_time, amr: caller.claims.amr ?? [] };
  const decision = decideProof({ hasPassword: hasPassword(user), totpEnabled: user.totpEnabled }, offered, session, context.nowSeconds);
  if (decision === 'provider_sign_in') return user;
  if (decision === 'missing') throw reauthenticationRequired(action);
  const check = { emailHash, claim: requireGrantedClaim(state.claim, state.failures, context.lockout, context.nowSeconds), homeShard: state.homeShard, homeDb: state.homeDb };
  const failure = decision === 'wrong' ? `${offered} not accepted by this account` : await checkProof(context, userDb, user, decision, input, check);
  if (failure !== null) {
    const attempt = { email: caller.email, emailHash, userId: user.id, sessionId: caller.sessionId, kind: 'reauthentication_failed' as const, client: context.client };
    await countFailedAttempt(state, context.lockout, context.nowSeconds, attempt);
    throw wrongProof(`${action}: ${failure}`);
  }
  return user;
}

/** The policy's refusal of this action for this account (an unverified address enrolling), or `null`. */
function refusalOf(user: UserRecord, action: ProtectedAction): AuthError | null {
  try {
    requireActionAllowed(user, action);
    return null;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
}

/**
 * Checks one proof under a granted claim and, when it passes, settles the
 * claim (with the passkey's new counter, for an assertion). Returns `null`
 * when it passed, else why not (for the log). `userDb`: the user's shard.
 */
async function checkProof(context: ProofContext, userDb: D1Database, user: UserRecord, kind: ProofKind, input: ProofInput, check: GrantedCheck): Promise<string | null> {
  const extra: D1PreparedStatement[] = [];
  if (kind === 'password') {
    const normalized = normalizePassword(input.password ?? '');
    if (passwordLength(normalized) > PASSWORD_MAX_CHARACTERS || !(await verifyPassword(normalized, user.passwordHash))) return 'wrong password';
  } else if (kind === 'totp_code') {
    const factor = await readTotpFactor(userDb, user.id);
    if (!factor || factor.enabledAt === null || !(await spendSecondFactor(context, userDb, user.id, factor, { kind: 'totp', code: input.code ?? '' }))) return 'wrong or used code';
  } else {
    const verdict = await checkPasskeyAssertion(context, userDb, user.id, input.credential);
    if (typeof verdict === 'string') return verdict;
    extra.push(verdict.statement);
  }
  const ending = endCheckBeside(userDb, user.id, check, 'settle', context.nowSeconds);
  const statements = [...extra, ...ending.statements];
  if (statements.length > 0) {
    await runStorage('settle proof', () => userDb.batch(statements));
  }
  await ending.afterwards();
  return null;
}

/**
 * Verifies a passkey assertion as a proof: its sign-in challenge (consumed
 * once), a passkey of THIS user, the signature and the counter. Returns the
 * statement recording the use, or why it failed.
 */
async function checkPasskeyAssertion(
  context: ProofContext,
  userDb: D1Database,
  userId: string,
  credential: AuthenticationResponseJSON | undefined,
): Promise<{ statement: D1PreparedStatement } | string> {
  if (credential === undefined) return 'no assertion';
  const parsed = await parseAssertion(credential, context.rp);
  if (!parsed.ok) return parsed.reason;
  const assertion = parsed.value;
  let found;
  try {
    found = await consumeChallengeAndFindPasskey(context.env, assertion, context.nowSeconds);
  } catch (error) {
    if (error instanceof AuthError && error.code === 'invalid_credentials') return 'challenge or user handle names no shard';
    throw error;
  }
  if (!found.consumed) return 'challenge unknown, used or expired';
  // The passkey is looked up by the assertion's own user handle: it must be the caller's.
  if (!found.passkey || found.passkey.userId !== userId) return 'not a passkey of this user';
  const verdict = await verifyAssertion(assertion, found.passkey);
  if (!verdict.ok) {
    if (verdict.reason === 'counter_regressed') await recordCounterRegression(userDb, userId, context.nowSeconds, context.client);
    return verdict.reason;
  }
  return { statement: recordPasskeyUseStatement(userDb, userId, assertion.credentialId, verdict.value.signCount, context.nowSeconds) };
}
