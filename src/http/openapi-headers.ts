// The response headers /openapi.json documents: every answer's own, and the ones routes and statuses add.

import { LEGACY_REFRESH_COOKIE_NAME, OAUTH_BINDING_COOKIE_NAME, REFRESH_COOKIE_NAME, SIGN_IN_CSRF_COOKIE_NAME, SIGN_IN_STATE_COOKIE_NAME } from './cookies';
import type { ResponseHeaderName } from './route-registry';

type HeaderObject = { description: string; required?: boolean; schema: Record<string, unknown> };

const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
const text = (description: string, schema: Record<string, unknown> = {}): HeaderObject => ({ description, schema: { type: 'string', ...schema } });
const escapeForPattern = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each documented header; `components.headers` holds each twice: `Name` (may be sent) and `NameAlways`. */
const HEADERS: Record<string, HeaderObject> = {
  CacheControlNoStore: text('Nothing is cached: every answer but the JWKS.', { const: 'no-store' }),
  CacheControlPublic: text('The JWKS may be cached this long; verifiers revalidate with the ETag.', { pattern: '^public, max-age=[0-9]+$' }),
  XContentTypeOptions: text('nosniff.', { const: 'nosniff' }),
  ReferrerPolicy: text('no-referrer.', { const: 'no-referrer' }),
  XFrameOptions: text('DENY.', { const: 'DENY' }),
  Vary: text('Includes Origin: CORS answers depend on it.', { pattern: 'Origin' }),
  AccessControlAllowOrigin: text('Only for an origin in ALLOWED_ORIGINS: that exact origin.'),
  AccessControlAllowCredentials: text('Only for an origin in ALLOWED_ORIGINS.', { const: 'true' }),
  AccessControlExposeHeaders: text('Only for an origin in ALLOWED_ORIGINS: the headers page scripts may read.'),
  AccessControlAllowMethods: text('Preflight, allowed origin only: the methods of this path.'),
  AccessControlAllowHeaders: text('Preflight, allowed origin only: Authorization, Content-Type.'),
  AccessControlMaxAge: text('Preflight, allowed origin only: seconds a browser may reuse the answer.', { pattern: '^[0-9]+$' }),
  Allow: text('The methods this path answers.'),
  SetCookie: text(
    `The refresh-token cookie ${REFRESH_COOKIE_NAME} (HttpOnly, Secure, SameSite): a new token, or Max-Age=0 to clear it; ` +
      `and, to a request that still carries the old ${LEGACY_REFRESH_COOKIE_NAME} cookie, an empty one of that name with Max-Age=0 that clears it; ` +
      `on a provider sign-in, the flow's binding cookie ${OAUTH_BINDING_COOKIE_NAME} (HttpOnly, Secure, SameSite=Lax), set at the start and cleared at the callback; ` +
      `beside every refresh cookie, the sign-in state cookie ${SIGN_IN_STATE_COOKIE_NAME} (HttpOnly, Secure, SameSite=Lax) when KEY_ENCRYPTION_SECRET is set; ` +
      `on the sign-in page, its CSRF cookie ${SIGN_IN_CSRF_COOKIE_NAME} (HttpOnly, Secure, SameSite=Strict).`,
    {
      pattern: `^(${[REFRESH_COOKIE_NAME, OAUTH_BINDING_COOKIE_NAME, SIGN_IN_STATE_COOKIE_NAME, SIGN_IN_CSRF_COOKIE_NAME].map((name) => `${escapeForPattern(name)}=`).join('|')}|${escapeForPattern(LEGACY_REFRESH_COOKIE_NAME)}=;)`,
    },
  ),
  WWWAuthenticate: text('RFC 6750 challenge: Bearer (no token), or Bearer error="invalid_token" / "insufficient_scope"; Basic from the token endpoint when HTTP Basic client authentication failed.', { pattern: '^(Bearer|Basic)( |$)' }),
  RetryAfter: text('Seconds to wait before trying again.', { pattern: '^[0-9]+$' }),
  ETag: text('Strong entity tag of the body; send it back in If-None-Match.', { pattern: '^"[A-Za-z0-9_-]+"$' }),
  Location: text('Where the answer redirects to.'),
  ContentSecurityPolicy: text("The sign-in page's policy: default-src 'none', scripts and styles from this origin (and SIGN_IN_PAGE_STYLESHEET's), no framing.", { pattern: "^default-src 'none';" }),
};

/** `components.headers`. */
export const HEADER_COMPONENTS: Record<string, HeaderObject> = Object.fromEntries(
  Object.entries(HEADERS).flatMap(([name, header]) => [
    [name, { ...header, required: false }],
    [`${name}Always`, { ...header, required: true }],
  ]),
);

/**
 * Headers on every answer, whatever the route (security headers, Vary, CORS for
 * allowed origins). The document lists them once, inline, as
 * `x-every-response-headers`, instead of on each of its responses.
 */
export const EVERY_RESPONSE_HEADERS: Record<string, unknown> = {
  'X-Content-Type-Options': HEADER_COMPONENTS.XContentTypeOptionsAlways,
  'Referrer-Policy': HEADER_COMPONENTS.ReferrerPolicyAlways,
  'X-Frame-Options': HEADER_COMPONENTS.XFrameOptionsAlways,
  Vary: HEADER_COMPONENTS.Vary,
  'Access-Control-Allow-Origin': HEADER_COMPONENTS.AccessControlAllowOrigin,
  'Access-Control-Allow-Credentials': HEADER_COMPONENTS.AccessControlAllowCredentials,
  'Access-Control-Expose-Headers': HEADER_COMPONENTS.AccessControlExposeHeaders,
};

const COMPONENT_BY_HEADER: Record<Exclude<ResponseHeaderName, 'Cache-Control'>, string> = {
  'Set-Cookie': 'SetCookie',
  'WWW-Authenticate': 'WWWAuthenticate',
  'Retry-After': 'RetryAfter',
  ETag: 'ETag',
  Location: 'Location',
  'Content-Security-Policy': 'ContentSecurityPolicy',
};

/**
 * The `headers` of one response: Cache-Control, plus `optional` and `always`
 * (route- or status-specific). Listing Cache-Control means the route sets its
 * own (public) caching.
 */
export function responseHeaders(optional: readonly ResponseHeaderName[], always: readonly ResponseHeaderName[]): Record<string, unknown> {
  const ownCaching = optional.includes('Cache-Control') || always.includes('Cache-Control');
  const headers: Record<string, unknown> = { 'Cache-Control': ref(ownCaching ? 'CacheControlPublicAlways' : 'CacheControlNoStoreAlways') };
  for (const name of [...optional, ...always]) {
    if (name === 'Cache-Control') continue;
    headers[name] = ref(`${COMPONENT_BY_HEADER[name]}${always.includes(name) ? 'Always' : ''}`);
  }
  return headers;
}

/** Headers of a 405 (Allow always) and of a preflight's 204 (plus its CORS headers). */
export function allowHeaders(preflight: boolean): Record<string, unknown> {
  const headers: Record<string, unknown> = { 'Cache-Control': ref('CacheControlNoStoreAlways'), Allow: ref('AllowAlways') };
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = ref('AccessControlAllowMethods');
    headers['Access-Control-Allow-Headers'] = ref('AccessControlAllowHeaders');
    headers['Access-Control-Max-Age'] = ref('AccessControlMaxAge');
  }
  return headers;
}
