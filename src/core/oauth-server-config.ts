// OAUTH_SERVER and OAUTH_RESOURCES: whether the authorization server runs, and the resource servers it issues tokens for.

import { ConfigError } from './errors';

/** The authorization server's part of the Config. */
export interface OAuthServerSettings {
  /** OAUTH_SERVER: `off` turns the capability off (its routes answer 404 and leave /openapi.json). */
  on: boolean;
  /** OAUTH_RESOURCES: resource URL (RFC 8707, the token's `aud`) → the scopes a client may ask of it. */
  resources: ReadonlyMap<string, readonly string[]>;
}

/** A scope token as RFC 6749 section 3.3 allows, kept short. */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** OAUTH_SERVER: `on` (the default) or `off`. */
export function parseOAuthServerSwitch(value: unknown): boolean {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return true;
  const text = String(value).trim().toLowerCase();
  if (text === 'on') return true;
  if (text === 'off') return false;
  throw new ConfigError('OAUTH_SERVER', 'must be on or off');
}

/** OAUTH_RESOURCES: JSON `{"<https URL>": {"scopes": ["..."]}}`; unset or empty is none. */
export function parseOAuthResources(value: unknown): ReadonlyMap<string, readonly string[]> {
  const resources = new Map<string, readonly string[]>();
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return resources;
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    throw new ConfigError('OAUTH_RESOURCES', 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('OAUTH_RESOURCES', 'must be a JSON object like {"https://api.example.com": {"scopes": ["read"]}}');
  }
  for (const [resource, entry] of Object.entries(parsed as Record<string, unknown>)) {
    resources.set(checkResource(resource), readScopes(resource, entry));
  }
  return resources;
}

/** A resource indicator is an absolute URL without a fragment (RFC 8707 section 2); https unless loopback. */
function checkResource(resource: string): string {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new ConfigError('OAUTH_RESOURCES', `has ${JSON.stringify(resource.slice(0, 80))}, which is not an absolute URL`);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.hash !== '' || resource.includes('#') || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new ConfigError('OAUTH_RESOURCES', `has ${JSON.stringify(resource.slice(0, 80))}: a resource is an https URL without a fragment`);
  }
  return resource;
}

function readScopes(resource: string, entry: unknown): readonly string[] {
  const keys = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? Object.keys(entry) : null;
  const scopes = keys !== null && keys.every((key) => key === 'scopes') ? (entry as { scopes?: unknown }).scopes : undefined;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && SCOPE.test(scope))) {
    throw new ConfigError('OAUTH_RESOURCES', `entry ${JSON.stringify(resource.slice(0, 80))} must be {"scopes": [...]} with scope tokens`);
  }
  return [...new Set(scopes as string[])];
}

/** With the server on, clients fetch the metadata at the issuer: JWT_ISSUER and PUBLIC_ORIGIN, when both set, must agree. */
export function checkIssuerMatchesOrigin(on: boolean, issuer: string | undefined, publicOrigin: string | undefined): void {
  if (!on || issuer === undefined || publicOrigin === undefined) return;
  if (issuer.replace(/\/$/, '') !== publicOrigin) {
    throw new ConfigError('JWT_ISSUER', `is ${JSON.stringify(issuer)} but PUBLIC_ORIGIN is ${JSON.stringify(publicOrigin)}: with OAUTH_SERVER on they must be equal`);
  }
}
