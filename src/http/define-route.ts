// Registers a route on the app and its spec in the registry, in one call.

import type { Context, Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env';
import { registerRouteSpec, type RouteSpec } from './route-registry';

/** Adds `handlers` for `spec.method spec.path` and records the spec for OpenAPI and 405s. */
export function defineRoute(
  app: Hono<AppEnv>,
  spec: RouteSpec,
  ...handlers: [...MiddlewareHandler<AppEnv>[], RouteHandler]
): void {
  registerRouteSpec(spec);
  app.on(spec.method, [spec.path], ...(handlers as MiddlewareHandler<AppEnv>[]));
}

/** The final handler of a route: it answers. */
export type RouteHandler = (c: Context<AppEnv>) => Response | Promise<Response>;
