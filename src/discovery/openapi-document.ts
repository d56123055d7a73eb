// The OpenAPI document as served: built at build time (npm run build:openapi), with this deployment's origin and without turned-off capabilities.

import { listRouteSpecs, type RouteSpec } from '../http/route-registry';
import built from './openapi.json';

type OpenApiPaths = Record<string, Record<string, unknown>>;

/** `/auth/sessions/:id` → `/auth/sessions/{id}`, as the document names paths. */
function openApiPathOf(spec: RouteSpec): string {
  return spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

/**
 * The committed document (src/discovery/openapi.json) with `servers` set to
 * this deployment's origin, less every path whose routes all belong to
 * turned-off capabilities (DISABLED_CAPABILITIES).
 */
export function servedOpenApiDocument(serverUrl: string, disabledCapabilities: ReadonlySet<string>): Record<string, unknown> {
  const document = { ...(built as Record<string, unknown>), servers: [{ url: serverUrl }] };
  if (disabledCapabilities.size === 0) return document;
  const kept = new Set(listRouteSpecs(disabledCapabilities).map(openApiPathOf));
  const paths = Object.fromEntries(Object.entries(built.paths as OpenApiPaths).filter(([path]) => kept.has(path)));
  return { ...document, paths };
}
