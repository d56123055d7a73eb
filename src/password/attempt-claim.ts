// The one rule for every secret check (password today; second factors and reset links later): claim it in D1 first.

import { MAX_BACKOFF_DOUBLINGS, type ClaimedCheck, type LockoutPolicy, type LoginFailureState } from './login-failures';
import { accountLocked } from './throttle';

export type { ClaimedCheck };

/**
 * Returns the granted claim, or throws the 429 a refused one answers. A
 * check of a secret must run only with a granted claim: the claim is taken
 * atomically in D1 before any hashing (`claimCheckStatement`), so however
 * many requests arrive at once, at most `maxFailures` checks run per lock
 * window. Settle it afterwards with `settleSuccessfulCheckStatements` or
 * `countFailedAttempt`. Unknown accounts claim and lock exactly like real ones.
 *
 * @example
 * const state = await readLoginState(env, { email, emailHash, ipCounter, claim: { nowSeconds, policy } });
 * const claim = requireGrantedClaim(state.claim, state.failures, policy, nowSeconds);
 */
export function requireGrantedClaim(claim: ClaimedCheck | null, record: LoginFailureState | null, policy: LockoutPolicy, nowSeconds: number): ClaimedCheck {
  if (claim) return claim;
  throw accountLocked(claimRetryAfterSeconds(record, policy, nowSeconds));
}

/**
 * How long a refused claim should wait: the running lock's remaining time,
 * or, when checks in flight hold the last attempts, the lock they would start.
 */
export function claimRetryAfterSeconds(record: LoginFailureState | null, policy: LockoutPolicy, nowSeconds: number): number {
  if (record?.lockedUntil !== null && record?.lockedUntil !== undefined && record.lockedUntil > nowSeconds) return record.lockedUntil - nowSeconds;
  const doublings = Math.min(record?.lockouts ?? 0, MAX_BACKOFF_DOUBLINGS);
  return Math.min(policy.maxLockoutSeconds, policy.lockoutSeconds * 2 ** doublings);
}
