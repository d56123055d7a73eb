// Builds the OpenAPI 3.1 document from the route registry and the valibot schemas that validate and shape bodies.
// Ours, not hono-openapi: it derives the answers every route of a kind shares (400/413/415, 401, 405 operations, preflights, header components) that hono-openapi would need declared route by route.

import { ALTERNATE_STATUS_BY_CODE, STATUS_BY_CODE, type ErrorCode } from '../core/errors';
import { MAX_BODY_BYTES } from './body';
import { REFRESH_COOKIE_NAME } from './cookies';
import { listRouteSpecs, type ResponseHeaderName, type ResponseSpec, type RouteSpec } from './route-registry';
import { toJsonSchema, type NamedSchema } from './schema';
import { EVERY_RESPONSE_HEADERS, HEADER_COMPONENTS, allowHeaders, responseHeaders } from './openapi-headers';
import { errorResponse } from './responses';

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
  { name: 'Account recovery', description: 'Verification links, password reset, email change and account deletion; links arrive by mail.' },
  { name: 'Admin', description: 'Needs the admin role in the access token.' },
  { name: 'Keys', description: 'Public keys for offline verification.' },
  { name: 'Operations', description: 'Health and this document.' },
  { name: 'Sign-in page', description: 'The hosted sign-in page: HTML forms for browsers, and its stylesheet and script.' },
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
  if ((status === 401 || status === 403) && spec.mediaType === undefined) optional.push('WWW-Authenticate');
  if (spec.mediaType === 'text/html') always.push('Content-Security-Policy');
  return { optional: optional.filter((name) => !always.includes(name)), always };
}

/** `Error<status>`: the error body with the codes of that status; added to `schemas` on first use. */
function errorSchemaFor(status: number, schemas: Record<string, unknown>): Record<string, unknown> {
  const name = `${errorResponse.name}${status}`;
  const codes = Object.keys(STATUS_BY_CODE).filter((code) => STATUS_BY_CODE[code as ErrorCode] === status || ALTERNATE_STATUS_BY_CODE[code as ErrorCode] === status);
  schemas[name] ??= { allOf: [{ $ref: `#/components/schemas/${errorResponse.name}` }, { properties: { error: { enum: codes } } }] };
  return { $ref: `#/components/schemas/${name}` };
}

/** Answers any operation may give, before routing: `components.responses`, referenced by every operation. */
function sharedResponses(schemas: Record<string, unknown>): Record<string, unknown> {
  const error = (status: number, description: string, headers = responseHeaders([], [])) => ({
    description,
    headers,
    content: { 'application/json': { schema: errorSchemaFor(status, schemas) } },
  });
  return {
    PayloadTooLarge: error(413, `payload_too_large: a body (declared or streamed) over ${MAX_BODY_BYTES} bytes.`),
    ServerError: error(500, 'server_misconfigured (the message names the variable) or server_error.'),
    ServiceUnavailable: error(503, 'service_unavailable: D1 or KV cannot be reached; retry.', responseHeaders(['Retry-After'], [])),
    MethodNotAllowed: error(405, 'method_not_allowed: Allow lists the methods this path serves.', allowHeaders(false)),
    Preflight: { description: 'CORS preflight answered; Allow lists the methods.', headers: allowHeaders(true) },
  };
}

const SHARED = {
  413: { $ref: '#/components/responses/PayloadTooLarge' },
  500: { $ref: '#/components/responses/ServerError' },
  503: { $ref: '#/components/responses/ServiceUnavailable' },
};

function buildResponse(status: number, spec: ResponseSpec, schemas: Record<string, unknown>): Record<string, unknown> {
  const { optional, always } = statusHeaders(status, spec);
  const response: Record<string, unknown> = { description: spec.description, headers: responseHeaders(optional, always) };
  if (spec.mediaType !== undefined) {
    response.content = { [spec.mediaType]: { schema: { type: 'string' } } };
    return response;
  }
  const body: NamedSchema | undefined = spec.body ?? (status >= 400 ? errorResponse : undefined);
  if (body) {
    schemas[body.name] = toJsonSchema(body.schema);
    const schema = spec.body ? { $ref: `#/components/schemas/${body.name}` } : errorSchemaFor(status, schemas);
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
    responses: {
      ...Object.fromEntries(Object.entries(SHARED).filter(([status]) => !statuses.includes(Number(status)))),
      ...Object.fromEntries(statuses.map((status) => [status, buildResponse(status, merge(spec.responses[status], automatic[status]), schemas)])),
    },
  };
  const query = Object.entries(spec.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
  if (query.length > 0) operation.parameters = query;
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
  for (const method of DOCUMENTED_METHODS) {
    if (served.includes(method)) continue;
    path[method] = {
      summary: `${method.toUpperCase()} is not served here: 405 (this path serves ${served.map((m) => m.toUpperCase()).join(', ')}).`,
      tags: ['HTTP'],
      operationId: operationIdFor(method, openApiPath, 'NotAllowed'),
      security: [],
      responses: { 405: { $ref: '#/components/responses/MethodNotAllowed' }, ...SHARED },
    };
  }
  path.options = {
    summary: 'CORS preflight: CORS headers only for an origin in ALLOWED_ORIGINS.',
    tags: ['HTTP'],
    operationId: operationIdFor('options', openApiPath),
    security: [],
    responses: { 204: { $ref: '#/components/responses/Preflight' }, ...SHARED },
  };
}

/** A path item with its path parameters, which every method of the path shares (the 405s too). */
function pathItem(path: string): Record<string, unknown> {
  const parameters = [...path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
  return parameters.length > 0 ? { parameters } : {};
}

/** The header components some response refers to (each has an optional and an `Always` form). */
function usedHeaderComponents(document: unknown): Record<string, unknown> {
  const used = new Set([...JSON.stringify(document).matchAll(/#\/components\/headers\/([A-Za-z]+)/g)].map((match) => match[1]));
  return Object.fromEntries(Object.entries(HEADER_COMPONENTS).filter(([name]) => used.has(name)));
}

/** The OpenAPI 3.1 document for every registered route, less those of turned-off capabilities. */
export function buildOpenApiDocument(serverUrl: string, disabledCapabilities: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = { [errorResponse.name]: toJsonSchema(errorResponse.schema) };
  for (const spec of listRouteSpecs(disabledCapabilities)) {
    const openApiPath = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    paths[openApiPath] ??= pathItem(spec.path);
    paths[openApiPath][spec.method.toLowerCase()] = buildOperation(spec, openApiPath, schemas);
  }
  for (const [openApiPath, path] of Object.entries(paths)) httpOperations(path, openApiPath);
  const responses = sharedResponses(schemas);
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'edge-auth',
      version: '0.1.0',
      description: 'JWT authentication on Cloudflare Workers. Every error body is {"error": code, "message": text}.',
    },
    servers: [{ url: serverUrl }],
    tags: TAGS,
    'x-every-response-headers': EVERY_RESPONSE_HEADERS,
    paths,
    components: {
      schemas,
      responses,
      headers: {} as Record<string, unknown>,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from login or refresh.' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE_NAME, description: 'The HttpOnly refresh-token cookie.' },
      },
    },
  };
  document.components.headers = usedHeaderComponents(document);
  return document;
}
