// Registers a route on the app and its spec in the registry, in one call.
// Ours, not hono-openapi: the body is read by src/http/body.ts (size cap, repeated fields, 415) before any validator, so a validator middleware would add code and remove none.

import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { AuthError } from '../core/errors';
import { currentRouteCapability, isTurnedOff, registerRouteSpec, type RouteSpec } from './route-registry';

/** Adds `handlers` for `spec.method spec.path` and records the spec for OpenAPI and 405s. */
export function defineRoute(
  app: Hono<AppEnv>,
  spec: RouteSpec,
  ...handlers: [...MiddlewareHandler<AppEnv>[], RouteHandler]
): void {
  const capability = currentRouteCapability();
  const recorded = registerRouteSpec(capability === undefined ? spec : { ...spec, capability });
  const guards: MiddlewareHandler<AppEnv>[] = capability === undefined ? [] : [answerNotFoundWhenTurnedOff(recorded)];
  app.on(spec.method, [spec.path], ...guards, ...(handlers as MiddlewareHandler<AppEnv>[]));
}

/** A turned-off capability's routes answer as if they did not exist: 404, before any of their work. */
function answerNotFoundWhenTurnedOff(spec: RouteSpec): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (isTurnedOff(spec, c.var.config.disabledCapabilities)) throw new AuthError('not_found', 'There is nothing at this path.');
    await next();
  };
}

/** The final handler of a route: it answers. */
export type RouteHandler = (c: Context<AppEnv>) => Response | Promise<Response>;
