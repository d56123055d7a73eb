// Public, unauthenticated routes: JWKS, health, and the OpenAPI document.

import type { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { defineRoute } from '../http/define-route';
import { buildOpenApiDocument } from '../openapi';
import { getPublicJwks } from '../tokens/access';

/** How long verifiers may cache the JWKS; the key-rotation runbook waits at least this long. */
export const JWKS_MAX_AGE_SECONDS = 300;

/** Adds JWKS, health and OpenAPI routes. */
export function addWellKnownRoutes(app: Hono<AppEnv>): void {
  defineRoute(
    app,
    {
      method: 'GET', path: '/.well-known/jwks.json', tag: 'Keys', auth: 'none',
      summary: 'Public keys that verify access tokens (every configured key).',
      responses: { 200: 'A JWK Set of public keys, each with kid, alg and use "sig".' },
    },
    async (c) => {
      const jwks = await getPublicJwks(c.var.config.signingKeys);
      c.header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
      return c.json(jwks);
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
