// The response headers /openapi.json documents: every answer's own, and the ones routes and statuses add.

import { REFRESH_COOKIE_NAME } from './http/cookies';
import type { ResponseHeaderName } from './http/route-registry';

type HeaderObject = { description: string; required?: boolean; schema: Record<string, unknown> };

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** `components.headers`: each header once, referenced by every response that carries it. */
export const HEADER_COMPONENTS: Record<string, HeaderObject> = {
  CacheControlNoStore: { description: 'Nothing is cached: every answer but the JWKS.', schema: { type: 'string', const: 'no-store' } },
  CacheControlPublic: { description: 'The JWKS may be cached this long; verifiers revalidate with the ETag.', schema: { type: 'string', pattern: '^public, max-age=[0-9]+$' } },
  XContentTypeOptions: { description: 'Always nosniff.', schema: { type: 'string', const: 'nosniff' } },
  ReferrerPolicy: { description: 'Always no-referrer.', schema: { type: 'string', const: 'no-referrer' } },
  XFrameOptions: { description: 'Always DENY.', schema: { type: 'string', const: 'DENY' } },
  Vary: { description: 'Origin: CORS answers depend on it.', schema: { type: 'string', pattern: 'Origin' } },
  AccessControlAllowOrigin: { description: 'Only for an origin in ALLOWED_ORIGINS: that exact origin.', schema: { type: 'string' } },
  AccessControlAllowCredentials: { description: 'Only for an origin in ALLOWED_ORIGINS.', schema: { type: 'string', const: 'true' } },
  AccessControlExposeHeaders: { description: 'Only for an origin in ALLOWED_ORIGINS: the headers page scripts may read.', schema: { type: 'string' } },
  AccessControlAllowMethods: { description: 'Preflight, allowed origin only: the methods of this path.', schema: { type: 'string' } },
  AccessControlAllowHeaders: { description: 'Preflight, allowed origin only: Authorization, Content-Type.', schema: { type: 'string' } },
  AccessControlMaxAge: { description: 'Preflight, allowed origin only: seconds a browser may reuse the answer.', schema: { type: 'string', pattern: '^[0-9]+$' } },
  Allow: { description: 'The methods this path answers.', schema: { type: 'string' } },
  SetCookie: {
    description: `The refresh-token cookie ${REFRESH_COOKIE_NAME} (HttpOnly, Secure, SameSite): a new token, or Max-Age=0 to clear it.`,
    schema: { type: 'string', pattern: `^${REFRESH_COOKIE_NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=` },
  },
  WWWAuthenticate: {
    description: 'RFC 6750 challenge: Bearer (no token), or Bearer error="invalid_token" / "insufficient_scope".',
    schema: { type: 'string', pattern: '^Bearer( |$)' },
  },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'string', pattern: '^[0-9]+$' } },
  ETag: { description: 'Strong entity tag of the body; send it back in If-None-Match.', schema: { type: 'string', pattern: '^"[A-Za-z0-9_-]+"$' } },
  Location: { description: 'Where the answer redirects to.', schema: { type: 'string' } },
};

/** Every answer carries these (security headers, Vary) and may carry CORS headers. */
function everyAnswerHeaders(cacheControl: 'CacheControlNoStore' | 'CacheControlPublic'): Record<string, unknown> {
  return {
    'Cache-Control': required(cacheControl),
    'X-Content-Type-Options': required('XContentTypeOptions'),
    'Referrer-Policy': required('ReferrerPolicy'),
    'X-Frame-Options': required('XFrameOptions'),
    Vary: ref('Vary'),
    'Access-Control-Allow-Origin': ref('AccessControlAllowOrigin'),
    'Access-Control-Allow-Credentials': ref('AccessControlAllowCredentials'),
    'Access-Control-Expose-Headers': ref('AccessControlExposeHeaders'),
  };
}

const COMPONENT_BY_HEADER: Record<Exclude<ResponseHeaderName, 'Cache-Control'>, string> = {
  'Set-Cookie': 'SetCookie',
  'WWW-Authenticate': 'WWWAuthenticate',
  'Retry-After': 'RetryAfter',
  ETag: 'ETag',
  Location: 'Location',
};

/**
 * The `headers` of one response: what every answer carries, plus `optional`
 * and `always` (route- or status-specific). Listing Cache-Control means the
 * route sets its own (public) caching.
 */
export function responseHeaders(optional: readonly ResponseHeaderName[], always: readonly ResponseHeaderName[]): Record<string, unknown> {
  const ownCaching = optional.includes('Cache-Control') || always.includes('Cache-Control');
  const headers = everyAnswerHeaders(ownCaching ? 'CacheControlPublic' : 'CacheControlNoStore');
  for (const name of [...optional, ...always]) {
    if (name === 'Cache-Control') continue;
    headers[name] = always.includes(name) ? required(COMPONENT_BY_HEADER[name]) : ref(COMPONENT_BY_HEADER[name]);
  }
  return headers;
}

/** Headers of a 405 (Allow always) and of a preflight's 204. */
export function allowHeaders(preflight: boolean): Record<string, unknown> {
  const headers: Record<string, unknown> = { ...everyAnswerHeaders('CacheControlNoStore'), Allow: required('Allow') };
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = ref('AccessControlAllowMethods');
    headers['Access-Control-Allow-Headers'] = ref('AccessControlAllowHeaders');
    headers['Access-Control-Max-Age'] = ref('AccessControlMaxAge');
  }
  return headers;
}

// OpenAPI cannot mark a $ref'd header required at the use site, so "always" headers are inlined.
function required(component: string): HeaderObject {
  const header = HEADER_COMPONENTS[component];
  if (!header) throw new Error(`unknown header component ${component}`);
  return { ...header, required: true };
}
