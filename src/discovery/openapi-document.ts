// The OpenAPI document as served: built with the static assets (npm run build:openapi), given this deployment's origin, without turned-off capabilities.

import { ConfigError } from '../core/errors';
import { listRouteSpecs, type RouteSpec } from '../http/route-registry';

type OpenApiDocument = Record<string, unknown> & { paths: Record<string, unknown> };

/** The asset's path: wrangler.toml sends this path to the worker first, so the raw asset is never served as is. */
const OPENAPI_ASSET_PATH = '/openapi.json';

let builtDocument: Promise<OpenApiDocument> | undefined;

/**
 * The document the build wrote among the static assets, read once per
 * isolate. Building it in the worker would carry the builder and a JSON
 * Schema converter in every cold start; reading it is one asset fetch.
 */
function readBuiltDocument(assets: Fetcher | undefined): Promise<OpenApiDocument> {
  builtDocument ??= (async () => {
    const response = assets ? await assets.fetch(new Request(`https://assets.invalid${OPENAPI_ASSET_PATH}`)) : undefined;
    if (!response?.ok) throw new ConfigError('ASSETS', 'has no openapi.json: build the static assets with `npm run build:demo` before deploying');
    return (await response.json()) as OpenApiDocument;
  })();
  // A failed read is not remembered: the next request tries again.
  builtDocument.catch(() => {
    builtDocument = undefined;
  });
  return builtDocument;
}

/** `/auth/sessions/:id` → `/auth/sessions/{id}`, as the document names paths. */
function openApiPathOf(spec: RouteSpec): string {
  return spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

/**
 * The built document with `servers` set to this deployment's origin, less
 * every path whose routes all belong to turned-off capabilities
 * (DISABLED_CAPABILITIES).
 */
export async function servedOpenApiDocument(
  assets: Fetcher | undefined,
  serverUrl: string,
  disabledCapabilities: ReadonlySet<string>,
): Promise<Record<string, unknown>> {
  const built = await readBuiltDocument(assets);
  const document = { ...built, servers: [{ url: serverUrl }] };
  if (disabledCapabilities.size === 0) return document;
  const kept = new Set(listRouteSpecs(disabledCapabilities).map(openApiPathOf));
  return { ...document, paths: Object.fromEntries(Object.entries(built.paths).filter(([path]) => kept.has(path))) };
}
