// Checking a TOTP or recovery code under the account lockout: the one rule shared by the second sign-in step and disabling TOTP.

import { AuthError } from '../core/errors';
import { runStorage, type StorageBindings } from '../storage/database';
import { readLoginState, type GrantedCheck } from '../password/login-attempts';
import type { LockoutPolicy } from '../password/login-failures';
import { useRecoveryCodeStatement, useTotpStepStatement, type TotpFactorRecord } from './totp-factor-rows';
import type { UserRecord } from '../storage/users';
import { openTotpSecret } from '../tokens/key-sealing';
import { requireGrantedClaim } from '../password/attempt-claim';
import type { ClientInfo } from '../http/client-info';
import { countFailedAttempt } from '../password/failed-attempt';
import { hashRecoveryCode, normalizeRecoveryCode } from './mfa-secrets';
import type { SecurityNotices } from '../account/security-notice';
import { hashEmailForThrottle } from '../password/throttle';
import { findMatchingTotpStep } from './totp';

/**
 * RFC 8176 method references of a sign-in completed at the second step: the
 * first step's (`pwd` for a password, `fed` for a provider), `otp` for a
 * TOTP code (a recovery code is no OTP device), and `mfa`.
 */
export function secondStepAmr(firstStep: 'pwd' | 'fed', kind: SecondFactorInput['kind']): readonly string[] {
  return kind === 'totp' ? [firstStep, 'otp', 'mfa'] : [firstStep, 'mfa'];
}


/** A second factor as the client sent it. */
export type SecondFactorInput = { kind: 'totp'; code: string } | { kind: 'recovery_code'; code: string };

/** What a second-factor check needs besides the user. */
export interface SecondFactorContext {
  env: StorageBindings;
  nowSeconds: number;
  lockout: LockoutPolicy;
  client: ClientInfo;
  /** KEY_ENCRYPTION_SECRET, which seals TOTP secrets. */
  encryptionSecret: string | undefined;
  /** Tells the owner when TOTP is turned on or off; none outside a request. */
  notices?: SecurityNotices;
}


/** The 500 every TOTP action answers while KEY_ENCRYPTION_SECRET is missing. */
export function requireEncryptionSecret(secret: string | undefined): string {
  if (secret === undefined) {
    throw new AuthError('server_misconfigured', 'Server configuration error: KEY_ENCRYPTION_SECRET must be set (at least 32 characters) to use TOTP.');
  }
  return secret;
}

/** The time step a code matches for this factor, or `null`; no I/O. */
export async function matchTotpCode(context: Pick<SecondFactorContext, 'nowSeconds' | 'encryptionSecret'>, userId: string, factor: TotpFactorRecord, code: string): Promise<number | null> {
  const secret = await openTotpSecret(factor.sealedSecret, userId, requireEncryptionSecret(context.encryptionSecret));
  return findMatchingTotpStep(secret, code, context.nowSeconds);
}

function invalidCode(logReason: string): AuthError {
  return new AuthError('invalid_mfa_code', 'The code is not valid. Check the authenticator app, or use a recovery code.', { logReason });
}

/**
 * Checks a code for an account with TOTP enabled, in three D1 round trips:
 * claim a check on the account's failure record (429 while locked, as for a
 * password); use the code's time step or the recovery code, once, only
 * under that claim; count a failure when it did not pass. The code is
 * computed before the claim (no I/O, constant time) but its verdict is acted
 * on only under a granted claim. A replayed code or used recovery code is a
 * wrong code (401 `invalid_mfa_code`) and counts towards the lockout.
 * Returns the claim, for the caller to settle as a success in its own batch.
 * `userDb`: the database of the user's shard.
 */
export async function checkSecondFactor(
  context: SecondFactorContext,
  userDb: D1Database,
  user: Pick<UserRecord, 'id' | 'email'>,
  factor: TotpFactorRecord,
  input: SecondFactorInput,
  sessionId: string | null,
): Promise<GrantedCheck> {
  const emailHash = await hashEmailForThrottle(user.email);
  const verdict = input.kind === 'totp' ? await matchTotpCode(context, user.id, factor, input.code) : normalizeRecoveryCode(input.code);
  const state = await readLoginState(context.env, { email: user.email, userId: user.id, userDb, emailHash, claim: { nowSeconds: context.nowSeconds, policy: context.lockout } });
  const claim = requireGrantedClaim(state.claim, state.failures, context.lockout, context.nowSeconds);
  const used = verdict !== null && (await useSecondFactor(context, userDb, user.id, input.kind, verdict));
  if (!used) {
    const attempt = { email: user.email, emailHash, userId: user.id, sessionId, kind: 'mfa_code_failed' as const, client: context.client };
    await countFailedAttempt({ ...state, userDb }, context.lockout, context.nowSeconds, attempt);
    throw invalidCode(verdict === null ? 'wrong code' : 'code already used');
  }
  return { emailHash, claim, homeShard: state.homeShard, homeDb: state.homeDb };
}

/**
 * Matches a TOTP or recovery code and uses it, once (one round trip); false
 * when it is wrong or already used. For a caller that already holds a
 * granted claim on the account's failure record.
 */
export async function spendSecondFactor(context: SecondFactorContext, userDb: D1Database, userId: string, factor: TotpFactorRecord, input: SecondFactorInput): Promise<boolean> {
  const verdict = input.kind === 'totp' ? await matchTotpCode(context, userId, factor, input.code) : normalizeRecoveryCode(input.code);
  return verdict !== null && (await useSecondFactor(context, userDb, userId, input.kind, verdict));
}

/** Uses a matched step or a recovery code, once (one round trip); false when it was already used. */
async function useSecondFactor(context: SecondFactorContext, db: D1Database, userId: string, kind: SecondFactorInput['kind'], verdict: number | string): Promise<boolean> {
  const statement =
    kind === 'totp' ? useTotpStepStatement(db, userId, verdict as number) : useRecoveryCodeStatement(db, userId, await hashRecoveryCode(userId, verdict as string, requireEncryptionSecret(context.encryptionSecret)));
  const row = await runStorage('use second factor', () => statement.first());
  return row !== null;
}
