// Public, unauthenticated routes: JWKS, health, and the OpenAPI document.

import type { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { defineRoute } from '../http/define-route';
import { buildOpenApiDocument } from '../http/openapi';
import { STORAGE_RETRY_AFTER_SECONDS } from '../storage/database';
import { probeDatabase, probeKv } from './health';
import { ifNoneMatchHits } from '../core/etag';
import { JWKS_MAX_AGE_SECONDS, getPublicJwksDocument } from '../tokens/jwks-document';
import { healthFailureResponse, healthResponse, jwksResponse, openApiResponse, type HealthFailureResponse, type HealthResponse } from './responses';


/** Adds JWKS, health and OpenAPI routes. */
export function addWellKnownRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/.well-known/jwks.json', tag: 'Keys', auth: 'none',
      summary: 'Public keys that verify access tokens (every configured key).',
      responses: {
        200: { description: 'A JWK Set of public keys, each with kid, alg and use "sig".', body: jwksResponse, requiredHeaders: ['ETag', 'Cache-Control'] },
        304: { description: 'Not modified (If-None-Match matched the ETag).', requiredHeaders: ['ETag', 'Cache-Control'] },
      },
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
      summary: 'Liveness check; with ?deep=1 also checks D1 (SELECT 1) and KV (one read).',
      query: { deep: '"1" also checks D1 and KV.' },
      responses: {
        200: { description: '{"ok": true}; with ?deep=1 {"ok": true, "d1": "ok", "kv": "ok"}.', body: healthResponse },
        503: { description: 'With ?deep=1 when D1 or KV fails: service_unavailable with "d1" and "kv" each "ok" or "failed".', body: healthFailureResponse, requiredHeaders: ['Retry-After'] },
      },
    },
    async (c) => {
      if (c.req.query('deep') !== '1') return c.json({ ok: true } satisfies HealthResponse);
      const [d1, kv] = await Promise.all([probeDatabase(c.env), probeKv(c.env)]);
      if (d1 === 'ok' && kv === 'ok') return c.json({ ok: true, d1, kv } satisfies HealthResponse);
      // The error shape of every other failure, plus which dependency failed (never why).
      c.header('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
      const message = 'A storage dependency is unavailable.';
      return c.json({ error: 'service_unavailable', message, ok: false, d1, kv } satisfies HealthFailureResponse, 503);
    },
  );

  defineRoute(
    app,
    {
      method: 'GET', path: '/openapi.json', tag: 'Operations', auth: 'none',
      summary: 'This API described as OpenAPI 3.1.',
      responses: { 200: { description: 'The OpenAPI document.', body: openApiResponse } },
    },
    // PUBLIC_ORIGIN when set; the document stays readable without it (nothing is sent to that URL by us).
    (c) => c.json(buildOpenApiDocument(c.var.config.publicOrigin ?? new URL(c.req.url).origin)),
  );
}
