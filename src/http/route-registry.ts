// One list of every route: the app registers from it, OpenAPI is built from it, 405s are answered from it.
// Ours, not hono-openapi's describeRoute: the worker also reads it at run time (405 and Allow, turned-off capabilities), which a build-time spec generator does not give.

import type { NamedSchema, ObjectSchema } from './schema';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';
export type RouteAuth = 'none' | 'bearer' | 'refresh' | 'refresh-or-bearer' | 'bearer-admin';

/** Response headers a route may document beyond the ones every response carries. */
export type ResponseHeaderName = 'Set-Cookie' | 'WWW-Authenticate' | 'Retry-After' | 'ETag' | 'Cache-Control' | 'Location' | 'Content-Security-Policy';

/** One documented answer. A plain string is a description: an error body for 4xx/5xx, no body otherwise. */
export interface ResponseSpec {
  description: string;
  /** The JSON body; errors default to `{"error","message"}`. */
  body?: NamedSchema;
  /** Headers this answer may carry. */
  headers?: readonly ResponseHeaderName[];
  /** Of those, the ones it always carries. */
  requiredHeaders?: readonly ResponseHeaderName[];
  /** A body that is not JSON (a page, its stylesheet or script): documented as a string of this media type. */
  mediaType?: 'text/html' | 'text/css' | 'text/javascript';
}

/** What a route is, for humans and for the OpenAPI document. */
export interface RouteSpec {
  method: HttpMethod;
  /** Hono path syntax, e.g. `/auth/sessions/:id`. */
  path: string;
  summary: string;
  auth: RouteAuth;
  body?: ObjectSchema;
  bodyOptional?: boolean;
  /** Query parameters: name → description. */
  query?: Record<string, string>;
  /** Status code → description (a string) or a full description of the response. */
  responses: Record<number, string | ResponseSpec>;
  tag: string;
  /** The capability that registered it (set by `registerCapabilityRoutes`); its routes go when it is turned off. */
  capability?: string;
}

const registry: RouteSpec[] = [];
let registeringCapability: string | undefined;

/** Runs a capability's `addRoutes`, so every route it defines is recorded as that capability's. */
export function registerCapabilityRoutes(capability: string, addRoutes: () => void): void {
  registeringCapability = capability;
  try {
    addRoutes();
  } finally {
    registeringCapability = undefined;
  }
}

/** The capability whose routes are being added now, if any. */
export function currentRouteCapability(): string | undefined {
  return registeringCapability;
}

/** Whether a route belongs to a capability this deployment turned off. */
export function isTurnedOff(spec: RouteSpec, disabledCapabilities: ReadonlySet<string>): boolean {
  return spec.capability !== undefined && disabledCapabilities.has(spec.capability);
}

/** Records a route; called by each routes/ file as it registers its handlers. */
export function registerRouteSpec(spec: RouteSpec): RouteSpec {
  if (!registry.some((known) => known.method === spec.method && known.path === spec.path)) registry.push(spec);
  return spec;
}

/** Every route registered so far, less those of turned-off capabilities. */
export function listRouteSpecs(disabledCapabilities: ReadonlySet<string> = new Set()): readonly RouteSpec[] {
  return disabledCapabilities.size === 0 ? registry : registry.filter((spec) => !isTurnedOff(spec, disabledCapabilities));
}

/** Methods the registry knows for a concrete request path (for 405 and `Allow`), less turned-off routes. */
export function methodsForPath(pathname: string, disabledCapabilities: ReadonlySet<string> = new Set()): HttpMethod[] {
  return listRouteSpecs(disabledCapabilities)
    .filter((spec) => pathPattern(spec.path).test(pathname))
    .map((spec) => spec.method);
}

function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
