// Builds the OpenAPI 3.1 document from the route registry and the valibot schemas that validate and shape bodies.

import { STATUS_BY_CODE } from './errors';
import { MAX_BODY_BYTES } from './http/body';
import { REFRESH_COOKIE_NAME } from './http/cookies';
import { listRouteSpecs, type ResponseHeaderName, type ResponseSpec, type RouteSpec } from './http/route-registry';
import { toJsonSchema, type NamedSchema } from './http/schema';
import { HEADER_COMPONENTS, allowHeaders, responseHeaders } from './openapi-headers';
import { errorResponse } from './routes/responses';

const SECURITY_BY_AUTH: Record<RouteSpec['auth'], Record<string, string[]>[]> = {
  none: [],
  bearer: [{ bearerAuth: [] }],
  'bearer-admin': [{ bearerAuth: [] }],
  refresh: [{ refreshCookie: [] }, {}],
  'refresh-or-bearer': [{ refreshCookie: [] }, { bearerAuth: [] }, {}],
};

const BEARER_AUTH: readonly RouteSpec['auth'][] = ['bearer', 'bearer-admin', 'refresh-or-bearer'];
const DOCUMENTED_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const TAGS = [
  { name: 'Authentication', description: 'Register, sign in, refresh and sign out.' },
  { name: 'Sessions', description: "The signed-in user's sessions, security events and password." },
  { name: 'Admin', description: 'Needs the admin role in the access token.' },
  { name: 'Keys', description: 'Public keys for offline verification.' },
  { name: 'Operations', description: 'Health and this document.' },
  { name: 'HTTP', description: 'What every path answers to a method it does not serve, and to CORS preflights.' },
];

/** Statuses the service may add to a route's own list, with why (see `automaticResponses`). */
function automaticResponses(spec: RouteSpec): Record<number, ResponseSpec> {
  const extra: Record<number, ResponseSpec> = {};
  if (spec.body) {
    extra[400] = { description: 'invalid_request: the body is not a JSON object of the documented fields (unknown or repeated fields, lone surrogates).' };
    extra[415] = { description: 'unsupported_media_type: a body that is not application/json (UTF-8).' };
  }
  if (BEARER_AUTH.includes(spec.auth)) {
    extra[400] = { description: `${extra[400]?.description ?? ''} invalid_request: an access token in the URL, or two Authorization headers.`.trim(), headers: ['WWW-Authenticate'] };
    extra[401] = { description: 'invalid_token: no access token, or one that is malformed, expired or revoked.', headers: ['WWW-Authenticate'] };
  }
  extra[413] = { description: `payload_too_large: a body (declared or streamed) over ${MAX_BODY_BYTES} bytes.` };
  extra[500] = { description: 'server_misconfigured (a variable names itself in the message) or server_error.' };
  extra[503] = { description: 'service_unavailable: D1 or KV cannot be reached; retry.', headers: ['Retry-After'] };
  return extra;
}

function merge(own: string | ResponseSpec | undefined, automatic: ResponseSpec | undefined): ResponseSpec {
  const spec = typeof own === 'string' ? { description: own } : own;
  if (!spec) return automatic ?? { description: '' };
  if (!automatic) return spec;
  return {
    ...spec,
    description: spec.description.includes(automatic.description) ? spec.description : `${spec.description} Also ${automatic.description}`,
    headers: [...new Set([...(spec.headers ?? []), ...(automatic.headers ?? [])])],
  };
}

/** Headers a status always or possibly carries, whatever the route. */
function statusHeaders(status: number, spec: ResponseSpec): { optional: ResponseHeaderName[]; always: ResponseHeaderName[] } {
  const always = [...(spec.requiredHeaders ?? [])];
  const optional = [...(spec.headers ?? [])];
  if (status === 429) always.push('Retry-After');
  if (status === 401 || status === 403) optional.push('WWW-Authenticate');
  return { optional: optional.filter((name) => !always.includes(name)), always };
}

function errorSchemaFor(status: number): Record<string, unknown> {
  const codes = Object.entries(STATUS_BY_CODE).filter(([, codeStatus]) => codeStatus === status).map(([code]) => code);
  return { allOf: [{ $ref: `#/components/schemas/${errorResponse.name}` }, { properties: { error: { enum: codes } } }] };
}

function buildResponse(status: number, spec: ResponseSpec, schemas: Record<string, unknown>): Record<string, unknown> {
  const { optional, always } = statusHeaders(status, spec);
  const response: Record<string, unknown> = { description: spec.description, headers: responseHeaders(optional, always) };
  const body: NamedSchema | undefined = spec.body ?? (status >= 400 ? errorResponse : undefined);
  if (body) {
    schemas[body.name] = toJsonSchema(body.schema);
    const schema = spec.body ? { $ref: `#/components/schemas/${body.name}` } : errorSchemaFor(status);
    response.content = { 'application/json': { schema } };
  }
  return response;
}

function operationIdFor(method: string, openApiPath: string, suffix = ''): string {
  return `${method}${openApiPath.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ? next.toUpperCase() : ''))}${suffix}`;
}

function buildOperation(spec: RouteSpec, openApiPath: string, schemas: Record<string, unknown>): Record<string, unknown> {
  const automatic = automaticResponses(spec);
  const statuses = [...new Set([...Object.keys(spec.responses), ...Object.keys(automatic)].map(Number))].sort((a, b) => a - b);
  const operation: Record<string, unknown> = {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: operationIdFor(spec.method.toLowerCase(), openApiPath),
    security: SECURITY_BY_AUTH[spec.auth],
    responses: Object.fromEntries(statuses.map((status) => [status, buildResponse(status, merge(spec.responses[status], automatic[status]), schemas)])),
  };
  const parameters: Record<string, unknown>[] = [...spec.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  for (const [name, description] of Object.entries(spec.query ?? {})) parameters.push({ name, in: 'query', required: false, description, schema: { type: 'string' } });
  if (parameters.length > 0) operation.parameters = parameters;
  if (spec.body) {
    schemas[spec.body.name] = toJsonSchema(spec.body.schema);
    operation.requestBody = {
      required: !spec.bodyOptional,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${spec.body.name}` } } },
    };
  }
  return operation;
}

/** A method the path does not serve (405) and the CORS preflight (204), for one path. */
function httpOperations(path: Record<string, unknown>, openApiPath: string): void {
  const served = DOCUMENTED_METHODS.filter((method) => path[method] !== undefined);
  const always = (status: number, description: string) => ({ [status]: { description, headers: allowHeaders(false), content: { 'application/json': { schema: errorSchemaFor(status) } } } });
  const shared = { ...always(413, `payload_too_large: a declared body over ${MAX_BODY_BYTES} bytes.`), ...always(500, 'server_misconfigured or server_error.'), ...always(503, 'service_unavailable.') };
  for (const method of DOCUMENTED_METHODS) {
    if (served.includes(method)) continue;
    path[method] = {
      summary: `${method.toUpperCase()} is not served here.`,
      tags: ['HTTP'],
      operationId: operationIdFor(method, openApiPath, 'NotAllowed'),
      security: [],
      responses: { ...always(405, `method_not_allowed; Allow lists ${served.map((m) => m.toUpperCase()).join(', ')} and OPTIONS.`), ...shared },
    };
  }
  path.options = {
    summary: 'CORS preflight: CORS headers only for an origin in ALLOWED_ORIGINS.',
    tags: ['HTTP'],
    operationId: operationIdFor('options', openApiPath),
    security: [],
    responses: { 204: { description: 'Preflight answered; Allow lists the methods.', headers: allowHeaders(true) }, ...shared },
  };
}

/** The OpenAPI 3.1 document for every registered route. */
export function buildOpenApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = { [errorResponse.name]: toJsonSchema(errorResponse.schema) };
  for (const spec of listRouteSpecs()) {
    const openApiPath = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[openApiPath] = { ...paths[openApiPath], [spec.method.toLowerCase()]: buildOperation(spec, openApiPath, schemas) };
  }
  for (const [openApiPath, path] of Object.entries(paths)) httpOperations(path, openApiPath);
  return {
    openapi: '3.1.0',
    info: {
      title: 'edge-auth',
      version: '0.1.0',
      description: 'JWT authentication on Cloudflare Workers. Every error body is {"error": code, "message": text}.',
    },
    servers: [{ url: serverUrl }],
    tags: TAGS,
    paths,
    components: {
      schemas,
      headers: HEADER_COMPONENTS,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from login or refresh.' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE_NAME, description: 'The HttpOnly refresh-token cookie.' },
      },
    },
  };
}
