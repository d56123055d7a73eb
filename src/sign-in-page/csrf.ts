// The sign-in page's CSRF token: double-submit, a random value in a __Host- SameSite=Strict cookie and in the form.

import { bytesToBase64Url } from '../core/encoding';
import { cookieValues, SIGN_IN_CSRF_COOKIE_NAME } from '../http/cookies';

/** `__Host-`: no sibling host can plant it; Strict: no other site's form carries it. */
export const CSRF_COOKIE_NAME = SIGN_IN_CSRF_COOKIE_NAME;
const CSRF_COOKIE_MAX_AGE_SECONDS = 3600;

/** A new token (32 random bytes, base64url). */
export function newCsrfToken(): string {
  return bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The `Set-Cookie` value carrying `token`. */
export function csrfCookie(token: string): string {
  return `${CSRF_COOKIE_NAME}=${token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=${CSRF_COOKIE_MAX_AGE_SECONDS}`;
}

/** The one token the request's cookie holds; `null` when absent or ambiguous (tossed). */
export function csrfTokenOfRequest(cookieHeader: string | null): string | null {
  const values = cookieValues(cookieHeader, CSRF_COOKIE_NAME);
  if (values.size !== 1) return null;
  const [value] = values;
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/** Whether the form's token equals the cookie's (compared in constant time). */
export function csrfTokenMatches(cookieToken: string | null, formToken: string | undefined): boolean {
  if (cookieToken === null || formToken === undefined || formToken.length !== cookieToken.length) return false;
  let difference = 0;
  for (let index = 0; index < cookieToken.length; index++) difference |= cookieToken.charCodeAt(index) ^ formToken.charCodeAt(index);
  return difference === 0;
}
