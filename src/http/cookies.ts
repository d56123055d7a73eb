// The refresh-token cookie: its attributes, reading it safely, and clearing it.

import { AuthError } from '../errors';
import type { SameSite } from '../config';

/** Name of the refresh-token cookie. */
export const REFRESH_COOKIE_NAME = 'edge_auth_refresh';
/** The cookie is only ever sent to the auth endpoints. */
export const REFRESH_COOKIE_PATH = '/auth';

/** `Set-Cookie` value delivering a refresh token for `maxAgeSeconds`. */
export function refreshCookie(token: string, maxAgeSeconds: number, sameSite: SameSite): string {
  return `${REFRESH_COOKIE_NAME}=${token}; HttpOnly; Secure; SameSite=${sameSite}; Path=${REFRESH_COOKIE_PATH}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** `Set-Cookie` value that removes the refresh cookie. */
export function clearedRefreshCookie(sameSite: SameSite): string {
  return `${REFRESH_COOKIE_NAME}=; HttpOnly; Secure; SameSite=${sameSite}; Path=${REFRESH_COOKIE_PATH}; Max-Age=0`;
}

/**
 * The refresh token from the Cookie header, or `undefined` when absent.
 * Two different values for our cookie (cookie tossing) are refused with 400.
 */
export function readRefreshCookie(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  const values = new Set<string>();
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    if (pair.slice(0, separator).trim() !== REFRESH_COOKIE_NAME) continue;
    const value = pair.slice(separator + 1).trim();
    if (value !== '') values.add(value);
  }
  if (values.size > 1) throw new AuthError('invalid_request', 'More than one refresh cookie was sent.');
  return values.values().next().value;
}
