// Brute-force protection: the per-IP request limit and the per-account lockout policy.

import type { Config } from '../config';
import { AuthError } from '../errors';
import type { LockoutPolicy } from '../storage/login-failures';
import type { IpCounterRequest } from '../storage/rate-limits';
import { bytesToHex, utf8 } from '../tokens/encoding';

/** The rate-limit window. */
export const IP_WINDOW_SECONDS = 60;
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

/**
 * The counter a request bumps, or `null` when the limit is off (`0`) or the
 * request has no client IP (only off Cloudflare: `wrangler dev`, tests,
 * service bindings), which the per-account lockout still covers.
 */
export function ipCounterFor(ip: string | null, limitPerMinute: number, nowSeconds: number): IpCounterRequest | null {
  if (limitPerMinute === 0 || ip === null) return null;
  return { ipKey: ipRateLimitKey(ip), windowStart: nowSeconds - (nowSeconds % IP_WINDOW_SECONDS) };
}

/** Throws 429 `too_many_attempts` when the window's count is over the limit. */
export function enforceIpLimit(requestsInWindow: number | null, limitPerMinute: number, nowSeconds: number): void {
  if (requestsInWindow === null || requestsInWindow <= limitPerMinute) return;
  const retryAfterSeconds = IP_WINDOW_SECONDS - (nowSeconds % IP_WINDOW_SECONDS);
  throw new AuthError('too_many_attempts', 'Too many requests from this address. Try again later.', {
    retryAfterSeconds,
    logReason: 'per-IP rate limit',
  });
}

/** The 429 a locked account answers: the same whether or not the account exists. */
export function accountLocked(retryAfterSeconds: number): AuthError {
  return new AuthError('too_many_attempts', 'Too many failed sign-in attempts. Try again later.', {
    retryAfterSeconds: Math.max(1, retryAfterSeconds),
    logReason: 'account locked',
  });
}

/**
 * The key an address is counted under: an IPv4 address as is, an IPv6
 * address by its /64 (one subscriber usually holds a whole /64).
 */
export function ipRateLimitKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]?.split('::') ?? [];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  const prefix = groups.slice(0, 4).map((group) => (group.replace(/^0+/, '') || '0'));
  return `${prefix.join(':')}::/64`;
}
