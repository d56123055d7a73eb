// CORS with credentials, only for ALLOWED_ORIGINS, echoing the exact origin.

import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv } from './app-env';
import { methodsForPath } from './route-registry';

const PREFLIGHT_MAX_AGE_SECONDS = 600;

const pathMethods = (url: string) => methodsForPath(new URL(url).pathname);

// Reached only for an allowed origin (below), so it may echo the origin it is given.
const allowedOriginCors = honoCors({
  origin: (origin) => origin,
  credentials: true,
  allowMethods: (_origin, c) => pathMethods(c.req.url),
  allowHeaders: ['Authorization', 'Content-Type'],
  exposeHeaders: ['WWW-Authenticate', 'Retry-After'],
  maxAge: PREFLIGHT_MAX_AGE_SECONDS,
});

/**
 * Answers preflights and adds CORS headers for allowed origins. Other
 * origins get no CORS headers at all, so browsers keep their responses
 * from page scripts. A preflight also lists the path's methods in `Allow`;
 * on a path that serves nothing it falls through to the 404.
 */
export function cors(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    const allowed = origin !== undefined && c.var.config.allowedOrigins.has(origin);
    if (c.req.method === 'OPTIONS') {
      // hono/cors answers every OPTIONS with 204; ours only where a route lives.
      const methods = pathMethods(c.req.url);
      if (methods.length === 0) return next();
      c.header('Allow', [...methods, 'OPTIONS'].join(', '));
    }
    if (allowed) return allowedOriginCors(c, next);
    // hono/cors sends Allow-Credentials (and the preflight's lists) to any origin: other origins skip it.
    if (c.req.method === 'OPTIONS') return c.body(null, 204, { Vary: 'Origin' });
    await next();
    c.header('Vary', 'Origin', { append: true });
  };
}
