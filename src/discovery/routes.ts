// Public, unauthenticated routes: JWKS, health, and the OpenAPI document.

import type { Hono } from 'hono';
import { etag } from 'hono/etag';
import type { AppEnv } from '../http/app-env';
import { defineRoute } from '../http/define-route';
import { servedOpenApiDocument } from './openapi-document';
import { STORAGE_RETRY_AFTER_SECONDS } from '../storage/database';
import { probeDatabase, probeKv } from './health';
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
    // hono/etag answers a matching If-None-Match with 304; the route gives it our strong ETag (hono's own is a hex SHA-1 of every response).
    etag(),
    async (c) => {
      const document = await getPublicJwksDocument(c.var.config.signingKeys);
      return c.body(document.body, 200, { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`, ETag: document.etag, 'Content-Type': 'application/json' });
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
    async (c) => c.json(await servedOpenApiDocument(c.env.ASSETS, c.var.config.publicOrigin ?? new URL(c.req.url).origin, c.var.config.disabledCapabilities)),
  );
}
