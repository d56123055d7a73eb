// Reads a bearer token from a request (RFC 6750), with no framework and no error policy.

const BEARER_PATTERN = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const TOKEN_QUERY_PARAMETERS = ['access_token', 'token'];

/** What a request carries: no token, one well-formed token, or something refused. */
export type BearerCredentials =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'refused'; problem: 'token_in_query' | 'several_headers' | 'malformed_header' };

/**
 * Finds the bearer token of a request. Tokens are accepted only in one
 * `Authorization` header; a token in the query string is refused.
 *
 * @example
 * const credentials = readBearerCredentials(request);
 * if (credentials.kind === 'token') await verifier.verify(credentials.token);
 */
export function readBearerCredentials(request: Request): BearerCredentials {
  const url = new URL(request.url);
  if (TOKEN_QUERY_PARAMETERS.some((name) => url.searchParams.has(name))) return { kind: 'refused', problem: 'token_in_query' };
  const header = request.headers.get('Authorization');
  if (header === null) return { kind: 'none' };
  // Repeated headers arrive joined by ", ": a token never contains a comma.
  if (header.includes(',')) return { kind: 'refused', problem: 'several_headers' };
  const match = BEARER_PATTERN.exec(header);
  if (!match?.[1]) return { kind: 'refused', problem: 'malformed_header' };
  return { kind: 'token', token: match[1] };
}
