// The refresh-token cookie: a __Host- cookie no sibling host can set, reading it safely, and clearing it (old name too).
// Ours, not hono/cookie: its parse keeps only a name's first value (a tossed second one would go unseen), and its serialize writes Max-Age and Path first, not in the order the tests pin.

import type { SameSite } from '../core/config';

/**
 * Name of the refresh-token cookie. The `__Host-` prefix makes browsers
 * accept it only with `Secure`, `Path=/` and no `Domain` (RFC 6265bis), so no
 * sibling subdomain can set, shadow or toss one.
 */
export const REFRESH_COOKIE_NAME = '__Host-edge_auth_refresh';
/** `__Host-` cookies must have `Path=/`. */
export const REFRESH_COOKIE_PATH = '/';
/** The cookie name (and path) before the `__Host-` prefix: accepted for one refresh, then cleared. */
export const LEGACY_REFRESH_COOKIE_NAME = 'edge_auth_refresh';

/** The provider sign-in's binding cookie (providers/binding-cookie.ts). `__Host-`: only this host can set it (Secure, Path=/, no Domain), so no sibling can plant a binding. */
export const OAUTH_BINDING_COOKIE_NAME = '__Host-edge_auth_oauth';
export const LEGACY_REFRESH_COOKIE_PATH = '/auth';
/** The sign-in state cookie's name, for the documents (sessions/sign-in-state.ts sets it; a test holds the two equal). */
export const SIGN_IN_STATE_COOKIE_NAME = '__Host-edge_auth_signin';
/** The sign-in page's CSRF cookie (sign-in-page/csrf.ts): `__Host-` so no sibling host can plant one. */
export const SIGN_IN_CSRF_COOKIE_NAME = '__Host-edge_auth_csrf';

/** `Set-Cookie` value delivering a refresh token for `maxAgeSeconds`. */
export function refreshCookie(token: string, maxAgeSeconds: number, sameSite: SameSite): string {
  return `${REFRESH_COOKIE_NAME}=${token}; HttpOnly; Secure; SameSite=${sameSite}; Path=${REFRESH_COOKIE_PATH}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** `Set-Cookie` value that removes the refresh cookie. */
export function clearedRefreshCookie(sameSite: SameSite): string {
  return `${REFRESH_COOKIE_NAME}=; HttpOnly; Secure; SameSite=${sameSite}; Path=${REFRESH_COOKIE_PATH}; Max-Age=0`;
}

/** `Set-Cookie` value that removes a cookie of the old name (host-only, `Path=/auth`). */
export function clearedLegacyRefreshCookie(sameSite: SameSite): string {
  return `${LEGACY_REFRESH_COOKIE_NAME}=; HttpOnly; Secure; SameSite=${sameSite}; Path=${LEGACY_REFRESH_COOKIE_PATH}; Max-Age=0`;
}

/** The refresh cookie a request carries, once tossing is ruled out. */
export type RefreshCookieChoice =
  | { kind: 'none'; legacySeen: boolean }
  | { kind: 'one'; token: string; legacy: boolean; legacySeen: boolean }
  /** Several different values of the cookie that counts: no way to tell the user's own, so none is used. */
  | { kind: 'ambiguous'; legacySeen: boolean };

/**
 * Reads the refresh cookie. One `__Host-` value wins over any old-name
 * cookie (a sibling host can set an old-name cookie, never a `__Host-` one).
 * With no `__Host-` cookie, one old-name value is used (the migration
 * refresh). Several different values of the name that counts are
 * `ambiguous`: never "the first one wins", which would let a tossed cookie
 * sign a victim into another account.
 */
export function readRefreshCookie(cookieHeader: string | null): RefreshCookieChoice {
  const current = cookieValues(cookieHeader, REFRESH_COOKIE_NAME);
  const legacy = cookieValues(cookieHeader, LEGACY_REFRESH_COOKIE_NAME);
  const legacySeen = legacy.size > 0;
  const counted = current.size > 0 ? current : legacy;
  if (counted.size > 1) return { kind: 'ambiguous', legacySeen };
  const token = counted.values().next().value;
  if (token === undefined) return { kind: 'none', legacySeen };
  return { kind: 'one', token, legacy: current.size === 0, legacySeen };
}

/** Every distinct non-empty value the `Cookie` header gives `name` (several mean a cookie was tossed). */
export function cookieValues(cookieHeader: string | null, name: string): Set<string> {
  const values = new Set<string>();
  for (const pair of (cookieHeader ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    const value = pair.slice(separator + 1).trim();
    if (value !== '') values.add(value);
  }
  return values;
}
