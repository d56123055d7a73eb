// Response-body schemas of the discovery routes: JWKS, health and the OpenAPI document.

import * as v from 'valibot';
import { namedSchema } from '../http/schema';

/** GET /.well-known/jwks.json. */
export const jwksResponse = namedSchema(
  'JwkSet',
  v.strictObject({
    keys: v.array(
      v.strictObject({
        kty: v.picklist(['OKP', 'EC', 'RSA']),
        kid: v.string(),
        alg: v.picklist(['EdDSA', 'ES256', 'RS256']),
        use: v.literal('sig'),
        crv: v.optional(v.picklist(['Ed25519', 'P-256'])),
        x: v.optional(v.string()),
        y: v.optional(v.string()),
        n: v.optional(v.string()),
        e: v.optional(v.string()),
      }),
    ),
  }),
);

const probe = v.picklist(['ok', 'failed']);

/** GET /health. */
export const healthResponse = namedSchema(
  'HealthResponse',
  v.strictObject({ ok: v.literal(true), d1: v.optional(v.literal('ok')), kv: v.optional(v.literal('ok')) }),
);
export type HealthResponse = v.InferOutput<typeof healthResponse.schema>;

/** GET /health?deep=1 when a dependency fails: the error shape plus which one. */
export const healthFailureResponse = namedSchema(
  'HealthFailureResponse',
  v.strictObject({ error: v.literal('service_unavailable'), message: v.string(), ok: v.literal(false), d1: probe, kv: probe }),
);
export type HealthFailureResponse = v.InferOutput<typeof healthFailureResponse.schema>;

/** GET /openapi.json. */
export const openApiResponse = namedSchema(
  'OpenApiDocument',
  v.looseObject({ openapi: v.literal('3.1.0'), info: v.looseObject({}), paths: v.record(v.string(), v.unknown()) }),
);
