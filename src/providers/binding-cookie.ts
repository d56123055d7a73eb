// The __Host- cookie that binds a provider sign-in to the browser that started it.
// Ours, not hono/cookie (see http/cookies.ts): several binding cookies must count as none, and the attributes keep the order the tests pin.

import { OAUTH_BINDING_COOKIE_NAME, cookieValues } from '../http/cookies';

export { OAUTH_BINDING_COOKIE_NAME };

/**
 * `Set-Cookie` value carrying the binding secret. SameSite=Lax, whatever
 * COOKIE_SAMESITE says: the provider sends the browser back with a
 * cross-site top-level GET, which carries Lax cookies and never Strict ones.
 */
export function oauthBindingCookie(secret: string, maxAgeSeconds: number): string {
  return `${OAUTH_BINDING_COOKIE_NAME}=${secret}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** `Set-Cookie` value that removes the binding cookie (the callback always sends it). */
export function clearedOAuthBindingCookie(): string {
  return `${OAUTH_BINDING_COOKIE_NAME}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0`;
}

/** The binding secret the request carries; `null` when there is none or several different ones. */
export function readOAuthBindingCookie(cookieHeader: string | null): string | null {
  const values = cookieValues(cookieHeader, OAUTH_BINDING_COOKIE_NAME);
  return values.size === 1 ? (values.values().next().value ?? null) : null;
}
