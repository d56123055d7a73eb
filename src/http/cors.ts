// CORS with credentials, only for ALLOWED_ORIGINS, echoing the exact origin.

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { methodsForPath } from './route-registry';

const ALLOWED_REQUEST_HEADERS = 'Authorization, Content-Type';
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After';
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Answers preflights and adds CORS headers for allowed origins. Other
 * origins get no CORS headers at all, so browsers keep their responses
 * from page scripts.
 */
export function cors(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    const allowed = origin !== undefined && c.var.config.allowedOrigins.has(origin);
    if (c.req.method === 'OPTIONS') {
      const methods = methodsForPath(new URL(c.req.url).pathname);
      if (methods.length === 0) return next();
      const headers = new Headers({ Allow: [...methods, 'OPTIONS'].join(', '), Vary: 'Origin' });
      if (allowed) {
        headers.set('Access-Control-Allow-Origin', origin);
        headers.set('Access-Control-Allow-Credentials', 'true');
        headers.set('Access-Control-Allow-Methods', methods.join(', '));
        headers.set('Access-Control-Allow-Headers', ALLOWED_REQUEST_HEADERS);
        headers.set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    c.res.headers.append('Vary', 'Origin');
    if (allowed) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.set('Access-Control-Allow-Credentials', 'true');
      c.res.headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
  };
}
