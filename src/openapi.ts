// Builds the OpenAPI 3.1 document from the route registry and the body schemas.

import { STATUS_BY_CODE } from './errors';
import { listRouteSpecs, type RouteSpec } from './http/route-registry';
import { toJsonSchema } from './http/schema';

const SECURITY_BY_AUTH: Record<RouteSpec['auth'], Record<string, string[]>[]> = {
  none: [],
  bearer: [{ bearerAuth: [] }],
  'bearer-admin': [{ bearerAuth: [] }],
  refresh: [{ refreshCookie: [] }, {}],
  'refresh-or-bearer': [{ refreshCookie: [] }, { bearerAuth: [] }, {}],
};

/** The OpenAPI 3.1 document for every registered route. */
export function buildOpenApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error', 'message'],
      properties: {
        error: { type: 'string', enum: Object.keys(STATUS_BY_CODE) },
        message: { type: 'string' },
      },
    },
  };
  for (const spec of listRouteSpecs()) {
    const openApiPath = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method.toLowerCase()}${openApiPath.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : ''))}`,
      responses: Object.fromEntries(
        Object.entries(spec.responses).map(([status, description]) => [
          status,
          Number(status) >= 400
            ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
            : { description },
        ]),
      ),
    };
    const parameters = [...spec.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (parameters.length > 0) operation.parameters = parameters;
    if (spec.body) {
      schemas[spec.body.name] = toJsonSchema(spec.body);
      operation.requestBody = {
        required: !spec.bodyOptional,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${spec.body.name}` } } },
      };
    }
    const security = SECURITY_BY_AUTH[spec.auth];
    if (security.length > 0) operation.security = security;
    paths[openApiPath] = { ...paths[openApiPath], [spec.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'edge-auth',
      version: '0.1.0',
      description: 'JWT authentication on Cloudflare Workers. Every error body is {"error": code, "message": text}.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: '__Host-edge_auth_refresh' },
      },
    },
  };
}
