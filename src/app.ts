// Builds the Hono app: context, security headers, CORS, routes, and the one error handler.

import { Hono, type Context } from 'hono';
import type { AppDependencies, AppEnv } from './http/app-env';
import { getConfig } from './core/config';
import { AuthError } from './core/errors';
import { capRequestBody } from './http/body';
import { errorResponse, toAuthError } from './http/error-response';
import { methodsForPath } from './http/route-registry';
import { cors } from './http/cors';
import { securityHeaders } from './http/security-headers';
import { addAccountRoutes } from './account/routes';
import { addPasswordRoutes } from './password/routes';
import { addAdminRoutes } from './admin/routes';
import { addAuthRoutes } from './sessions/routes';
import { addIdentityRoutes } from './providers/identity-routes';
import { addOAuthRoutes } from './providers/routes';
import { addMfaRoutes } from './totp/routes';
import { addPasskeyRoutes } from './passkeys/routes';
import { addSessionRoutes } from './sessions/session-routes';
import { addWellKnownRoutes } from './discovery/routes';
import { issuerFor } from './tokens/issuer';
import { withCurrentSigningKeys, type WaitUntil } from './tokens/key-rotation';

/** The request's `waitUntil`, when the runtime gave the app an execution context. */
function backgroundWork(c: Context<AppEnv>): WaitUntil | undefined {
  try {
    const ctx = c.executionCtx;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined;
  }
}

const defaultDependencies: AppDependencies = { now: () => Date.now() };

/**
 * Creates the edge-auth app. Tests pass their own `now` to move time
 * without sleeping.
 *
 * @example
 * const app = createApp({ now: () => Date.parse('2030-01-01T00:00:00Z') });
 * const response = await app.fetch(request, env, ctx);
 */
export function createApp(dependencies: Partial<AppDependencies> = {}): Hono<AppEnv> {
  const { now } = { ...defaultDependencies, ...dependencies };
  const app = new Hono<AppEnv>();

  app.use(securityHeaders());
  app.use(async (c, next) => {
    c.set('nowSeconds', Math.floor(now() / 1000));
    const config = getConfig(c.env as unknown as Record<string, unknown>);
    // A deployed worker without JWT_ISSUER fails every request before any work, not halfway through a login.
    issuerFor(config, c.req.raw);
    c.set('config', await withCurrentSigningKeys(c.env, config, c.var.nowSeconds, backgroundWork(c)));
    await next();
  });
  app.use(capRequestBody());
  app.use(cors());

  addPasswordRoutes(app);
  addAuthRoutes(app);
  addSessionRoutes(app);
  addAccountRoutes(app);
  addPasskeyRoutes(app);
  addOAuthRoutes(app);
  addIdentityRoutes(app);
  addMfaRoutes(app);
  addAdminRoutes(app);
  addWellKnownRoutes(app);

  app.notFound((c) => {
    const methods = methodsForPath(new URL(c.req.url).pathname);
    const error =
      methods.length > 0
        ? new AuthError('method_not_allowed', `Use ${methods.join(' or ')} for this path.`, { headers: { Allow: [...methods, 'OPTIONS'].join(', ') } })
        : new AuthError('not_found', 'There is nothing at this path.');
    return errorResponse(error);
  });
  app.onError((error, c) => errorResponse(toAuthError(error, c.req.raw)));
  return app;
}
