// fast-check arbitraries for hostile HTTP requests against any registered route.
import fc from 'fast-check';
import type { RouteSpec } from '../../src/http/route-registry';

/** Real credentials the fuzzer may mix in, so it reaches past the first check. */
export interface FuzzCredentials {
  accessToken: string;
  refreshToken: string;
  email: string;
  password: string;
}

/** One generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string | undefined;
}

const printable = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);
const anyText = fc.string({ unit: 'binary', maxLength: 120 });

function tokenish(credentials: FuzzCredentials): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(credentials.accessToken),
    fc.constant(credentials.refreshToken),
    fc.constant(`${credentials.accessToken.slice(0, -3)}AAA`),
    fc.stringMatching(/^[A-Za-z0-9_.-]{0,120}$/),
    printable,
  );
}

function fieldValue(credentials: FuzzCredentials): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(credentials.email),
    fc.constant(credentials.password),
    fc.constant(credentials.refreshToken),
    fc.constantFrom('cookie', 'body', '', ' ', 'a@b.c', '\u0000', '\uD800', 'x'.repeat(300)),
    fc.emailAddress(),
    anyText,
    fc.jsonValue({ maxDepth: 2 }),
  );
}

/** A body for a route: mostly shaped by its schema, sometimes arbitrary JSON or raw text. */
function bodyFor(spec: RouteSpec | undefined, credentials: FuzzCredentials): fc.Arbitrary<string | undefined> {
  const fieldNames = spec?.body ? Object.keys(spec.body.fields) : [];
  const shaped = fc
    .dictionary(fc.oneof(fc.constantFrom(...fieldNames, 'extra', '__proto__', 'constructor'), printable), fieldValue(credentials), { maxKeys: 4 })
    .map((fields) => JSON.stringify(fields));
  const schemaFields = fieldNames.length > 0 ? fc.record(Object.fromEntries(fieldNames.map((name) => [name, fieldValue(credentials)])), { requiredKeys: [] }).map((fields) => JSON.stringify(fields)) : shaped;
  return fc.oneof(
    { arbitrary: schemaFields, weight: 4 },
    { arbitrary: shaped, weight: 2 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'), weight: 1 },
    { arbitrary: anyText, weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/** Mostly `usual`, sometimes one of the odd values (undefined leaves the header out). */
function mostly<T>(usual: fc.Arbitrary<T>, ...odd: fc.Arbitrary<T>[]): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: usual, weight: 3 * odd.length }, ...odd.map((arbitrary) => ({ arbitrary, weight: 1 })));
}

function headersFor(credentials: FuzzCredentials): fc.Arbitrary<Record<string, string | undefined>> {
  return fc.record(
    {
      'Content-Type': mostly(fc.constant('application/json'), fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON', ''), printable),
      Authorization: mostly(fc.constant(`Bearer ${credentials.accessToken}`), tokenish(credentials).map((token) => `Bearer ${token}`), printable),
      Cookie: fc.oneof(tokenish(credentials).map((token) => `__Host-edge_auth_refresh=${token}`), printable, fc.constant(`__Host-edge_auth_refresh=${credentials.refreshToken}; edge_auth_refresh=x`)),
      Origin: fc.oneof(fc.constant('https://auth.example.test'), fc.constantFrom('null', 'https://evil.example'), printable),
      'Sec-Fetch-Site': fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site'),
      'Content-Length': mostly(fc.constant(undefined), fc.constantFrom('0', '-1', '99999999', 'abc', '1e3')),
      'X-Forwarded-For': printable,
      'CF-Connecting-IP': printable,
      'User-Agent': printable,
    },
    { requiredKeys: [] },
  );
}

function pathFor(spec: RouteSpec): fc.Arbitrary<string> {
  const segments = spec.path.split('/');
  if (!segments.some((segment) => segment.startsWith(':'))) {
    return fc.oneof({ arbitrary: fc.constant(spec.path), weight: 5 }, { arbitrary: fc.webSegment().map((query) => `${spec.path}?${encodeURIComponent(query)}=1`), weight: 1 });
  }
  return fc
    .array(fc.webSegment(), { minLength: segments.length, maxLength: segments.length })
    .map((values) => segments.map((segment, index) => (segment.startsWith(':') ? encodeURIComponent(values[index] || 'x') : segment)).join('/'));
}

/** Requests aimed at one registered route. */
export function requestsForRoute(spec: RouteSpec, credentials: FuzzCredentials): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    method: fc.oneof({ arbitrary: fc.constant(spec.method), weight: 6 }, { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), weight: 1 }),
    path: pathFor(spec),
    headers: headersFor(credentials),
    body: bodyFor(spec, credentials),
  });
}

/** Requests to arbitrary paths with arbitrary methods. */
export function requestsAnywhere(credentials: FuzzCredentials): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.oneof(fc.webPath(), fc.constantFrom('/auth', '/auth/', '/auth/me/', '//auth/me', '/AUTH/ME', '/auth/%2e%2e/health', '/.well-known/', '/auth/me%00')).map((path) => (path.startsWith('/') ? path : `/${path}`)),
    headers: headersFor(credentials),
    body: bodyFor(undefined, credentials),
  });
}
