// CSRF guard for the cookie endpoints: refuse requests from origins we do not trust.

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { AuthError } from '../core/errors';

/**
 * Refuses (403 `forbidden_origin`) a request whose `Origin` is present and is
 * neither our own origin nor in ALLOWED_ORIGINS, or that a browser marks
 * `Sec-Fetch-Site: cross-site` without such an origin.
 */
export function requireTrustedOrigin(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    const ownOrigin = new URL(c.req.url).origin;
    const trusted = origin !== undefined && (origin === ownOrigin || c.var.config.allowedOrigins.has(origin));
    if (origin !== undefined && !trusted) {
      throw new AuthError('forbidden_origin', 'Requests from this origin are not allowed.', { logReason: 'untrusted Origin' });
    }
    if (!trusted && c.req.header('Sec-Fetch-Site')?.toLowerCase() === 'cross-site') {
      throw new AuthError('forbidden_origin', 'Cross-site requests are not allowed here.', { logReason: 'cross-site without trusted Origin' });
    }
    await next();
  };
}
