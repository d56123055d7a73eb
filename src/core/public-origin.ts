// The service's public origin: PUBLIC_ORIGIN when set, else (only in a local run) the request's own origin.

import type { Config } from './config';
import { ConfigError } from './errors';
import { isLocalRun } from './local-run';

/**
 * The origin mailed links, the passkey relying party and provider callbacks
 * derive from. A deployed worker without PUBLIC_ORIGIN is misconfigured
 * (500 `server_misconfigured` naming PUBLIC_ORIGIN) wherever one is needed:
 * it never takes its origin from the `Host` a request names. Locally
 * (`wrangler dev`, tests) the request origin stands in, as for JWT_ISSUER.
 *
 * @example
 * const page = `${publicOriginFor(config, request)}/reset-password`;
 */
export function publicOriginFor(config: Pick<Config, 'publicOrigin'>, request: Request): string {
  if (config.publicOrigin !== undefined) return config.publicOrigin;
  if (isLocalRun(request)) return new URL(request.url).origin;
  throw new ConfigError('PUBLIC_ORIGIN', 'is empty; a deployed worker must set it to its public origin (only a local run uses the request origin)');
}
