// OAUTH_PROVIDERS: the JSON secret naming each sign-in provider, parsed strictly into typed entries.

import { ConfigError } from './errors';

/** GitHub or Google by name: their endpoints are built in. */
export interface NamedProviderConfig {
  id: string;
  kind: 'github' | 'google';
  clientId: string;
  clientSecret: string;
}

/** Any other entry: an OpenID Connect provider found through `<issuer>/.well-known/openid-configuration`. */
export interface OidcProviderConfig {
  id: string;
  kind: 'oidc';
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Always includes `openid`. */
  scopes: readonly string[];
}

export type OAuthProviderConfig = NamedProviderConfig | OidcProviderConfig;

const VARIABLE = 'OAUTH_PROVIDERS';
/** Provider ids appear in paths (`/auth/oauth/<id>`): short, lower-case, URL-safe. */
const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** Parses OAUTH_PROVIDERS; unset means no providers. Throws a ConfigError naming the variable and the entry. */
export function parseOAuthProviders(value: unknown): ReadonlyMap<string, OAuthProviderConfig> {
  const providers = new Map<string, OAuthProviderConfig>();
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return providers;
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    throw new ConfigError(VARIABLE, 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(VARIABLE, 'must be a JSON object of provider id to settings');
  }
  for (const [id, entry] of Object.entries(parsed)) {
    if (!PROVIDER_ID.test(id)) throw new ConfigError(VARIABLE, `has the provider id "${id.slice(0, 40)}"; use 1 to 32 of a-z, 0-9, "_" and "-"`);
    providers.set(id, parseEntry(id, entry));
  }
  return providers;
}

function parseEntry(id: string, entry: unknown): OAuthProviderConfig {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ConfigError(VARIABLE, `entry "${id}" must be an object`);
  const fields = entry as Record<string, unknown>;
  const named = id === 'github' || id === 'google';
  const allowed = named ? ['client_id', 'client_secret'] : ['issuer', 'client_id', 'client_secret', 'scopes'];
  const unknown = Object.keys(fields).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new ConfigError(VARIABLE, `entry "${id}" has the unknown key "${unknown.slice(0, 40)}" (allowed: ${allowed.join(', ')})`);
  const clientId = readText(id, fields, 'client_id');
  const clientSecret = readText(id, fields, 'client_secret');
  if (id === 'github' || id === 'google') return { id, kind: id, clientId, clientSecret };
  return { id, kind: 'oidc', issuer: parseIssuerUrl(id, readText(id, fields, 'issuer')), clientId, clientSecret, scopes: parseScopes(id, fields.scopes) };
}

function readText(id: string, fields: Record<string, unknown>, key: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || value.trim() === '' || value.length > 2048) throw new ConfigError(VARIABLE, `entry "${id}" needs "${key}" as a non-empty string`);
  return value.trim();
}

/** An https issuer, or http on a loopback address (a local provider); no query or fragment. */
function parseIssuerUrl(id: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(VARIABLE, `entry "${id}" has an "issuer" that is not an absolute URL`);
  }
  if (!isAllowedProviderUrl(url) || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(VARIABLE, `entry "${id}" needs an https "issuer" (http only on a loopback address) without query or fragment`);
  }
  // The issuer is compared exactly with the discovery document and the ID tokens: kept as written.
  return text;
}

/** https anywhere; http only on a loopback address, for a provider running on the developer's machine. */
export function isAllowedProviderUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]');
}

function parseScopes(id: string, value: unknown): readonly string[] {
  if (value === undefined) return ['openid', 'email', 'profile'];
  if (!Array.isArray(value) || value.length > 20 || !value.every((scope): scope is string => typeof scope === 'string' && SCOPE.test(scope))) {
    throw new ConfigError(VARIABLE, `entry "${id}" has "scopes" that is not an array of scope names`);
  }
  return value.includes('openid') ? value : ['openid', ...value];
}
