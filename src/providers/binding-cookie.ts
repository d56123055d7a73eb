// The __Host- cookie that binds a provider sign-in to the browser that started it.

import { OAUTH_BINDING_COOKIE_NAME } from '../http/cookies';

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
  const values = new Set<string>();
  for (const pair of (cookieHeader ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim() !== OAUTH_BINDING_COOKIE_NAME) continue;
    const value = pair.slice(separator + 1).trim();
    if (value !== '') values.add(value);
  }
  return values.size === 1 ? (values.values().next().value ?? null) : null;
}
