// Builds the Hono app: context, security headers, CORS, routes, and the one error handler.

import { Hono, type Context } from 'hono';
import type { AppDependencies, AppEnv } from './http/app-env';
import { getConfig } from './core/config';
import { AuthError, ConfigError } from './core/errors';
import { capRequestBody } from './http/body';
import { errorResponse, toAuthError } from './http/error-response';
import type { Capability } from './http/capability';
import { methodsForPath, registerCapabilityRoutes } from './http/route-registry';
import { accountCapability } from './account';
import { adminCapability } from './admin';
import { discoveryCapability } from './discovery';
import { oauthServerCapability } from './oauth-server';
import { passkeysCapability } from './passkeys';
import { passwordCapability } from './password';
import { providersCapability } from './providers';
import { sessionsCapability } from './sessions';
import { signInPageCapability } from './sign-in-page';
import { totpCapability } from './totp';
import { cors } from './http/cors';
import { securityHeaders } from './http/security-headers';
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

/**
 * Every capability of the service, one line each, in the order their routes
 * are matched and documented. Adding a capability is a folder under src/ and
 * a line here; account deletion, the reset that takes an account back, the
 * cron and /openapi.json all read this list.
 */
export const CAPABILITIES: readonly Capability[] = [
  passwordCapability,
  sessionsCapability,
  accountCapability,
  passkeysCapability,
  providersCapability,
  totpCapability,
  adminCapability,
  signInPageCapability,
  discoveryCapability,
  oauthServerCapability,
];

const defaultDependencies: AppDependencies = { now: () => Date.now() };
const checkedDisabledLists = new WeakSet<ReadonlySet<string>>();

/** DISABLED_CAPABILITIES may name only capabilities this app has and may turn off; checked once per parsed config. */
function checkDisabledCapabilities(disabled: ReadonlySet<string>): void {
  if (checkedDisabledLists.has(disabled)) return;
  const optional = CAPABILITIES.filter((capability) => capability.canBeDisabled).map((capability) => capability.name);
  for (const name of disabled) {
    if (!optional.includes(name)) {
      throw new ConfigError('DISABLED_CAPABILITIES', `names ${name}, which is not a capability that can be turned off (${optional.join(', ')})`);
    }
  }
  checkedDisabledLists.add(disabled);
}

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
    checkDisabledCapabilities(config.disabledCapabilities);
    c.set('config', await withCurrentSigningKeys(c.env, config, c.var.nowSeconds, backgroundWork(c)));
    c.set('capabilities', CAPABILITIES);
    await next();
  });
  app.use(capRequestBody());
  app.use(cors());

  for (const capability of CAPABILITIES) registerCapabilityRoutes(capability.name, () => capability.addRoutes(app));

  app.notFound((c) => {
    const methods = methodsForPath(new URL(c.req.url).pathname, c.var.config?.disabledCapabilities);
    const error =
      methods.length > 0
        ? new AuthError('method_not_allowed', `Use ${methods.join(' or ')} for this path.`, { headers: { Allow: [...methods, 'OPTIONS'].join(', ') } })
        : new AuthError('not_found', 'There is nothing at this path.');
    return errorResponse(error);
  });
  app.onError((error, c) => errorResponse(toAuthError(error, c.req.raw)));
  return app;
}
