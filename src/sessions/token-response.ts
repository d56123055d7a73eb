// Issuing access tokens and shaping the login/refresh response in the right channel.

import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env';
import { browserSessionCookies } from './browser-cookies';
import { signAccessToken } from '../tokens/access';
import { issuerFor } from '../tokens/issuer';

/** Where a refresh token travels: the HttpOnly cookie, or the JSON body. */
export type TokenDelivery = 'cookie' | 'body';

/** RFC 8176 method references of a password sign-in (the access token's `amr`). */
export const PASSWORD_AMR: readonly string[] = ['pwd'];

/** Who the new tokens are for. */
export interface IssuedSession {
  userId: string;
  sessionId: string;
  email: string;
  roles: readonly string[];
  emailVerified: boolean;
  /** When the session signed in, and with which methods (RFC 8176). */
  authTime: number;
  amr: readonly string[];
  refreshToken: string;
  sessionExpiresAt: number;
}

/**
 * Signs an access token and answers 200 with it. The refresh token goes back
 * in the channel it is meant for: a cookie, or (for non-browser clients) the body.
 */
export async function respondWithTokens(
  c: Context<AppEnv>,
  session: IssuedSession,
  delivery: TokenDelivery,
  /** More `Set-Cookie` values, after the refresh cookie (e.g. clearing the old cookie name). */
  extraCookies: readonly string[] = [],
): Promise<Response> {
  const config = c.var.config;
  const now = c.var.nowSeconds;
  const sessionRemainingSeconds = Math.max(0, session.sessionExpiresAt - now);
  const ttlSeconds = Math.min(config.accessTokenTtlSeconds, Math.max(1, sessionRemainingSeconds));
  const { token } = await signAccessToken(
    session,
    { keys: config.signingKeys, issuer: issuerFor(config, c.req.raw), audience: config.audience, nowSeconds: now },
    ttlSeconds,
  );
  const body: Record<string, unknown> = { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds };
  if (delivery === 'body') {
    body.refresh_token = session.refreshToken;
    body.refresh_token_expires_in = sessionRemainingSeconds;
  } else {
    // The refresh cookie, and the sign-in state cookie pages such as /sign-in and the authorization endpoint read.
    const [refresh, ...more] = await browserSessionCookies(config, session, now);
    c.header('Set-Cookie', refresh);
    for (const cookie of more) c.header('Set-Cookie', cookie, { append: true });
  }
  for (const cookie of extraCookies) c.header('Set-Cookie', cookie, { append: true });
  return c.json(body, 200);
}
