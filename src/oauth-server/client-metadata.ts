// Client registration metadata (RFC 7591 plus "first_party"): checked into a client record, or a 400 naming the problem.

import { AuthError } from '../core/errors';

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export type ApplicationType = 'web' | 'native';

/** A registered client as the server uses it (no secret: only its hash is stored). */
export interface ClientMetadata {
  name: string;
  redirectUris: readonly string[];
  grantTypes: readonly GrantType[];
  tokenEndpointAuthMethod: ClientAuthMethod;
  applicationType: ApplicationType;
  firstParty: boolean;
  /** The scopes the client may ask for. */
  scopes: readonly string[];
}

/** The OpenID Connect scopes every deployment has; OAUTH_RESOURCES adds its own. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
const KNOWN_FIELDS = new Set([
  'client_name', 'redirect_uris', 'grant_types', 'response_types', 'token_endpoint_auth_method', 'application_type', 'first_party', 'scope',
]);
const MAX_REDIRECT_URIS = 10;

/** Whether a host is a loopback IP literal (RFC 8252 section 7.3: any port). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]';
}

function refuse(message: string): never {
  throw new AuthError('invalid_request', message);
}

function stringList(field: string, value: unknown, fallback: readonly string[]): readonly string[] {
  if (value === undefined || value === null) return fallback;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string' && entry.length > 0 && entry.length <= 512)) {
    refuse(`Field "${field}" must be an array of non-empty strings.`);
  }
  return [...new Set(value as string[])];
}

/** A redirect URI a client of this type may register: absolute, no fragment; https, or for native apps loopback http or a private-use scheme. */
function checkRedirectUri(uri: string, applicationType: ApplicationType): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    refuse('Every redirect URI must be an absolute URL.');
  }
  if (uri.includes('#')) refuse('A redirect URI must not contain a fragment.');
  if (url.protocol === 'https:') return uri;
  if (applicationType === 'native') {
    if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return uri;
    // RFC 8252 section 7.1: a private-use scheme in reverse domain form (com.example.app:/callback).
    if (/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol)) return uri;
    refuse('A native client\'s redirect URI is https, http on 127.0.0.1 or [::1], or a reverse-domain private-use scheme.');
  }
  refuse('A web client\'s redirect URI must use https (plain http only for native clients on a loopback address).');
}

/** Checks registration metadata against the rules; `resourceScopes` are the scopes OAUTH_RESOURCES names. */
export function parseClientMetadata(body: unknown, resourceScopes: ReadonlySet<string>): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) refuse('The request body must be a JSON object.');
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).find((key) => !KNOWN_FIELDS.has(key));
  if (unknown !== undefined) refuse(`Unknown field "${unknown.slice(0, 40)}".`);

  const name = input.client_name ?? 'Unnamed client';
  // eslint-disable-next-line no-control-regex
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100 || /[\u0000-\u001F\u007F<>]/u.test(name)) {
    refuse('Field "client_name" must be 1 to 100 characters without control characters or angle brackets.');
  }
  const applicationType = input.application_type ?? 'web';
  if (applicationType !== 'web' && applicationType !== 'native') refuse('Field "application_type" must be web or native.');
  const firstParty = input.first_party ?? false;
  if (typeof firstParty !== 'boolean') refuse('Field "first_party" must be true or false.');
  const method = input.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(method as ClientAuthMethod)) refuse(`Field "token_endpoint_auth_method" must be one of: ${AUTH_METHODS.join(', ')}.`);

  const grantTypes = stringList('grant_types', input.grant_types, ['authorization_code']);
  if (grantTypes.length === 0 || !grantTypes.every((grant) => GRANT_TYPES.includes(grant as GrantType))) {
    refuse(`Field "grant_types" must list some of: ${GRANT_TYPES.join(', ')}.`);
  }
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) refuse('The refresh_token grant comes with authorization_code.');
  if (grantTypes.includes('client_credentials') && method === 'none') refuse('A public client (token_endpoint_auth_method none) cannot use client_credentials.');
  const responseTypes = stringList('response_types', input.response_types, ['code']);
  if (responseTypes.length !== 1 || responseTypes[0] !== 'code') refuse('Field "response_types" may only be ["code"].');

  const redirectUris = stringList('redirect_uris', input.redirect_uris, []).map((uri) => checkRedirectUri(uri, applicationType));
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) refuse('Field "redirect_uris" is required for the authorization_code grant.');
  if (redirectUris.length > MAX_REDIRECT_URIS) refuse(`At most ${MAX_REDIRECT_URIS} redirect URIs.`);

  const allowed = new Set<string>([...OIDC_SCOPES, ...resourceScopes]);
  const scopeText = input.scope ?? [...OIDC_SCOPES].join(' ');
  if (typeof scopeText !== 'string') refuse('Field "scope" must be a space-separated string.');
  const scopes = [...new Set(scopeText.split(' ').filter((scope) => scope !== ''))];
  const unknownScope = scopes.find((scope) => !allowed.has(scope));
  if (unknownScope !== undefined) refuse(`Scope "${unknownScope.slice(0, 64)}" is not offered here (${[...allowed].join(' ')}).`);

  return {
    name: name.trim(),
    redirectUris,
    grantTypes: grantTypes as GrantType[],
    tokenEndpointAuthMethod: method as ClientAuthMethod,
    applicationType,
    firstParty,
    scopes,
  };
}
