// Public, unauthenticated routes: JWKS, health, and the OpenAPI document.

import type { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { defineRoute } from '../http/define-route';
import { buildOpenApiDocument } from '../openapi';
import { ifNoneMatchHits } from '../http/etag';
import { getPublicJwksDocument } from '../tokens/jwks-document';

/** How long verifiers may cache the JWKS; the key-rotation runbook waits at least this long. */
export const JWKS_MAX_AGE_SECONDS = 300;

/** Adds JWKS, health and OpenAPI routes. */
export function addWellKnownRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/.well-known/jwks.json', tag: 'Keys', auth: 'none',
      summary: 'Public keys that verify access tokens (every configured key).',
      responses: { 200: 'A JWK Set of public keys, each with kid, alg and use "sig".', 304: 'Not modified (If-None-Match matched the ETag).' },
    },
    async (c) => {
      const { body, etag } = await getPublicJwksDocument(c.var.config.signingKeys);
      const headers = { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`, ETag: etag };
      if (ifNoneMatchHits(c.req.header('If-None-Match') ?? null, etag)) return c.body(null, 304, headers);
      return c.body(body, 200, { ...headers, 'Content-Type': 'application/json' });
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/health', tag: 'Operations', auth: 'none',
      summary: 'Liveness check.',
      responses: { 200: '{"ok": true}' },
    },
    (c) => c.json({ ok: true }),
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/openapi.json', tag: 'Operations', auth: 'none',
      summary: 'This API described as OpenAPI 3.1.',
      responses: { 200: 'The OpenAPI document.' },
    },
    (c) => c.json(buildOpenApiDocument(new URL(c.req.url).origin)),
  );
}
