// The `iss` of our tokens: JWT_ISSUER when set, else the request's own origin.

import type { Config } from '../config';

/** The issuer to sign with and to require when verifying. */
export function issuerFor(config: Config, request: Request): string {
  return config.issuer ?? new URL(request.url).origin;
}
