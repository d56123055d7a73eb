// The per-IP request limit, counted by the Workers Rate Limiting binding (no D1 rows, no KV).

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { ConfigError, AuthError } from '../core/errors';

/** The binding's window: [[ratelimits]] `simple.period` in wrangler.toml. */
export const IP_RATE_LIMIT_PERIOD_SECONDS = 60;

/** What the Rate Limiting binding offers (Cloudflare's `RateLimit`). */
export interface IpRateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/**
 * Which routes share one count per address: `auth` (login, refresh, logout,
 * the second step, passkey and provider sign-in) and `mail` (routes that
 * send mail, register included).
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

/** An IPv6 address's groups with a dotted IPv4 tail (`::ffff:1.2.3.4`) written as its two hex groups. */
function withHexTail(groups: string[]): string[] {
  const last = groups[groups.length - 1] ?? '';
  if (!last.includes('.')) return groups;
  const bytes = last.split('.').map((part) => Number.parseInt(part, 10) & 0xff);
  const hex = (high = 0, low = 0) => ((high << 8) | low).toString(16);
  return [...groups.slice(0, -1), hex(bytes[0], bytes[1]), hex(bytes[2], bytes[3])];
}

/**
 * The key an address is counted under: an IPv4 address as is, an IPv6
 * address by its /64 (one subscriber usually holds a whole /64), and an
 * IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as the IPv4 address it
 * carries, so a client cannot double its allowance by switching spelling.
 */
export function ipRateLimitKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]?.split('::') ?? [];
  const headGroups = withHexTail(head === '' ? [] : head.split(':'));
  const tailGroups = withHexTail(tail === undefined || tail === '' ? [] : tail.split(':'));
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = (tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups]).map((group) => group.replace(/^0+/, '') || '0');
  if (groups.length === 8 && groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    const value = (group = '0') => Number.parseInt(group, 16);
    const [high, low] = [value(groups[6]), value(groups[7])];
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}
