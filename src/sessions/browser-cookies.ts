// The cookies a browser sign-in sets: the refresh cookie, and the sign-in state cookie when KEY_ENCRYPTION_SECRET is set.

import type { Config } from '../core/config';
import { refreshCookie } from '../http/cookies';
import { signInStateCookie } from './sign-in-state';
import type { IssuedSession } from './token-response';

/**
 * The `Set-Cookie` values that open `session` in a browser, both for the
 * session's remaining life. Without KEY_ENCRYPTION_SECRET there is no MAC
 * key, so only the refresh cookie is set (pages that read the sign-in state
 * then see a signed-out browser).
 */
export async function browserSessionCookies(config: Config, session: IssuedSession, nowSeconds: number): Promise<string[]> {
  const remaining = Math.max(0, session.sessionExpiresAt - nowSeconds);
  const cookies = [refreshCookie(session.refreshToken, remaining, config.cookieSameSite)];
  if (config.keyEncryptionSecret !== undefined) {
    cookies.push(await signInStateCookie(config.keyEncryptionSecret, session.userId, session.sessionId, remaining));
  }
  return cookies;
}
