// Brute-force protection: the per-account lockout policy (the per-IP limit is http/ip-rate-limit.ts).

import type { Config } from '../core/config';
import { AuthError } from '../core/errors';
import type { LockoutPolicy } from './login-failures';
import { bytesToHex, utf8 } from '../core/encoding';

/** No lock lasts longer than a day, however many came before it. */
export const MAX_LOCKOUT_SECONDS = 86_400;
/** After a day without failures an account starts afresh (count and back-off). */
export const FAILURE_MEMORY_SECONDS = 86_400;

/** The lockout policy the Config describes. */
export function lockoutPolicyFor(config: Pick<Config, 'loginMaxFailures' | 'loginLockoutSeconds'>): LockoutPolicy {
  return {
    maxFailures: config.loginMaxFailures,
    lockoutSeconds: config.loginLockoutSeconds,
    maxLockoutSeconds: Math.max(config.loginLockoutSeconds, MAX_LOCKOUT_SECONDS),
    memorySeconds: FAILURE_MEMORY_SECONDS,
  };
}

/**
 * The key failures are counted under: SHA-256 of the normalised email, so
 * unknown addresses count like real ones and no typed-in text is stored.
 */
export async function hashEmailForThrottle(normalizedEmail: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(`login-failures:${normalizedEmail}`));
  return bytesToHex(new Uint8Array(digest));
}

/** The 429 a locked account answers: the same whether or not the account exists. */
export function accountLocked(retryAfterSeconds: number): AuthError {
  return new AuthError('too_many_attempts', 'Too many failed sign-in attempts. Try again later.', {
    retryAfterSeconds: Math.max(1, retryAfterSeconds),
    logReason: 'account locked',
  });
}
