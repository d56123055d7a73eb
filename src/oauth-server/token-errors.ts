// The token endpoint's errors, answered as RFC 6749 section 5.2 does: {"error","error_description"}, never cached.

import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env';

/** The RFC 6749 error codes this endpoint answers with. */
export type TokenErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope' | 'invalid_target';

/** A refusal of the token endpoint; `basic` says the client tried HTTP Basic (a 401 then names that scheme). */
export class TokenError extends Error {
  constructor(
    readonly error: TokenErrorCode,
    readonly description: string,
    readonly basic = false,
  ) {
    super(description);
  }
}

/** The RFC 6749 answer: 401 for invalid_client (with `WWW-Authenticate: Basic` when Basic was used), 400 otherwise. */
export function tokenErrorResponse(c: Context<AppEnv>, error: TokenError): Response {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  const status = error.error === 'invalid_client' ? 401 : 400;
  if (status === 401 && error.basic) headers['WWW-Authenticate'] = 'Basic realm="token", charset="UTF-8"';
  return c.json({ error: error.error, error_description: error.description }, status, headers);
}
