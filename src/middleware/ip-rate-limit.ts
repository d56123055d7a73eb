// The per-IP request limit, counted by the Workers Rate Limiting binding (no D1 rows, no KV).

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { ConfigError, AuthError } from '../errors';

/** The binding's window: [[ratelimits]] `simple.period` in wrangler.toml. */
export const IP_RATE_LIMIT_PERIOD_SECONDS = 60;

/** What the Rate Limiting binding offers (Cloudflare's `RateLimit`). */
export interface IpRateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/**
 * Which routes share one count per address: `auth` (login, register,
 * refresh, logout) and `mail` (routes that send mail).
 */
export type IpRateLimitScope = 'auth' | 'mail';

/**
 * Counts one request of `ip` in `scope` and throws 429 `too_many_attempts`
 * (with `Retry-After`) once the binding says the address is over its limit.
 * Nothing happens when `IP_RATE_LIMIT_PER_MINUTE` is 0 or the request has no
 * client address (only off Cloudflare: `wrangler dev`, tests, service
 * bindings). The limit itself is the binding's `simple.limit`, which must
 * equal IP_RATE_LIMIT_PER_MINUTE (a test holds wrangler.toml to that).
 *
 * @example
 * await enforceIpRateLimit(c.env.IP_RATE_LIMITER, c.var.config.ipRateLimitPerMinute, clientIp, 'mail');
 */
export async function enforceIpRateLimit(
  limiter: IpRateLimiter | undefined,
  limitPerMinute: number,
  ip: string | null,
  scope: IpRateLimitScope,
): Promise<void> {
  if (limitPerMinute === 0 || ip === null) return;
  if (!limiter) throw new ConfigError('IP_RATE_LIMIT_PER_MINUTE', 'is above 0 but the IP_RATE_LIMITER binding ([[ratelimits]] in wrangler.toml) is missing');
  const { success } = await limiter.limit({ key: `${scope}:${ipRateLimitKey(ip)}` });
  if (success) return;
  throw new AuthError('too_many_attempts', 'Too many requests from this address. Try again later.', {
    retryAfterSeconds: IP_RATE_LIMIT_PERIOD_SECONDS,
    logReason: `per-IP rate limit (${scope})`,
  });
}

/** Middleware form of `enforceIpRateLimit` for a route: runs before the body is read. */
export function limitPerIp(scope: IpRateLimitScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ip = c.req.header('CF-Connecting-IP')?.trim() || null;
    await enforceIpRateLimit(c.env.IP_RATE_LIMITER, c.var.config.ipRateLimitPerMinute, ip && ip.length <= 64 ? ip : null, scope);
    await next();
  };
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
