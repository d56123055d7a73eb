// OpenID Connect discovery: a provider's endpoints from <issuer>/.well-known/openid-configuration, cached per isolate.

import { isAllowedProviderUrl } from '../core/provider-config';
import { ProviderResponseError } from './profile';

/** The parts of a discovery document a sign-in uses. */
export interface OpenIdProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
}

/** A discovered document is reused this long in an isolate. */
export const DISCOVERY_CACHE_SECONDS = 3600;
const DISCOVERY_TIMEOUT_MILLISECONDS = 5000;

const cache = new Map<string, { metadata: OpenIdProviderMetadata; fetchedAtSeconds: number }>();

/**
 * The provider's metadata, fetched once per isolate and hour. The document's
 * `issuer` must equal the configured one exactly (OpenID Connect Discovery
 * 4.3), and every endpoint must be https (http only on loopback). A failure
 * is never cached.
 */
export async function discoverOpenIdProvider(issuer: string, nowSeconds: number): Promise<OpenIdProviderMetadata> {
  const cached = cache.get(issuer);
  if (cached && nowSeconds - cached.fetchedAtSeconds < DISCOVERY_CACHE_SECONDS && cached.fetchedAtSeconds <= nowSeconds) return cached.metadata;
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let document: unknown;
  try {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MILLISECONDS) });
    if (!response.ok) throw new ProviderResponseError(`discovery answered ${response.status}`);
    document = await response.json();
  } catch (error) {
    if (error instanceof ProviderResponseError) throw error;
    throw new ProviderResponseError(`discovery failed: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}`);
  }
  const metadata = readMetadata(document, issuer);
  cache.set(issuer, { metadata, fetchedAtSeconds: nowSeconds });
  return metadata;
}

function readMetadata(document: unknown, issuer: string): OpenIdProviderMetadata {
  const fields = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  if (fields.issuer !== issuer) throw new ProviderResponseError('discovery names another issuer');
  return {
    issuer,
    authorizationEndpoint: readEndpoint(fields, 'authorization_endpoint'),
    tokenEndpoint: readEndpoint(fields, 'token_endpoint'),
    jwksUri: readEndpoint(fields, 'jwks_uri'),
  };
}

function readEndpoint(fields: Record<string, unknown>, key: string): string {
  const value = fields[key];
  let url: URL | null = null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || !isAllowedProviderUrl(url)) throw new ProviderResponseError(`discovery ${key} is missing or not https`);
  return url.href;
}
