// The `iss` of our tokens: JWT_ISSUER when set, else (only in a local run) the request's own origin.

import type { Config } from '../core/config';
import { ConfigError } from '../core/errors';
import { isLocalRun } from '../core/local-run';

/**
 * The issuer to sign with and to require when verifying. A deployed worker
 * with no JWT_ISSUER is misconfigured (500 `server_misconfigured` naming
 * JWT_ISSUER): it must never take its issuer from whatever `Host` a request
 * names. Locally (`wrangler dev`, tests) the request origin stands in.
 */
export function issuerFor(config: Config, request: Request): string {
  if (config.issuer !== undefined) return config.issuer;
  if (isLocalRun(request)) return new URL(request.url).origin;
  throw new ConfigError('JWT_ISSUER', 'is empty; a deployed worker must set it to its public URL (only a local run uses the request origin)');
}
