// Reads an authorization request (GET /oauth2/authorize): client and redirect URI first (never redirected), then the rest (errors redirected).

import { AuthError } from '../core/errors';
import type { StorageBindings } from '../storage/database';
import { OIDC_SCOPES, isLoopbackHost } from './client-metadata';
import { findClient, type ClientRecord } from './client-rows';

/** An authorization request whose client and redirect URI checked out. */
export interface AuthorizeTarget {
  client: ClientRecord;
  redirectUri: string;
  /** Echoed on every redirect, errors included (`undefined` when not sent). */
  state: string | undefined;
}

/** The rest of a valid request. */
export interface AuthorizeRequest extends AuthorizeTarget {
  codeChallenge: string;
  scopes: readonly string[];
  nonce: string | undefined;
  resource: string | undefined;
  prompt: ReadonlySet<'none' | 'login' | 'consent'>;
  maxAgeSeconds: number | undefined;
}

/** An error sent back to the client's redirect URI (RFC 6749 section 4.1.2.1). */
export class RedirectedError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'unsupported_response_type' | 'invalid_scope' | 'invalid_target' | 'login_required' | 'consent_required' | 'access_denied' | 'unauthorized_client',
    readonly description: string,
  ) {
    super(description);
  }
}

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_PARAMETER_LENGTH = 2048;

/** One query parameter, at most once (a repeated one is refused: RFC 6749 section 3.1). */
function single(url: URL, name: string, onError: (message: string) => never): string | undefined {
  const values = url.searchParams.getAll(name);
  if (values.length > 1) onError(`The ${name} parameter is repeated.`);
  const value = values[0];
  if (value !== undefined && value.length > MAX_PARAMETER_LENGTH) onError(`The ${name} parameter is too long.`);
  return value === '' ? undefined : value;
}

/** A loopback http redirect without its port, or `null` for any other URI. */
function loopbackWithoutPort(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return null;
  url.port = '';
  return url.toString();
}

/** Exact match, except that a native client's loopback http redirect may use any port (RFC 8252 section 7.3). */
export function redirectUriMatches(client: ClientRecord, candidate: string): boolean {
  if (client.redirectUris.includes(candidate)) return true;
  if (client.applicationType !== 'native') return false;
  const portless = loopbackWithoutPort(candidate);
  return portless !== null && client.redirectUris.some((registered) => loopbackWithoutPort(registered) === portless);
}

/** The client and redirect URI: any problem here is answered to the browser, never redirected (RFC 6749 section 4.1.2.1). */
export async function readAuthorizeTarget(env: StorageBindings, url: URL): Promise<AuthorizeTarget> {
  const fail = (message: string): never => {
    throw new AuthError('invalid_request', message);
  };
  const clientId = single(url, 'client_id', fail);
  const client = clientId === undefined ? null : await findClient(env, clientId);
  if (client === null || !client.grantTypes.includes('authorization_code')) fail('Unknown client_id, or a client that may not use the authorization code flow.');
  const redirectUri = single(url, 'redirect_uri', fail);
  if (redirectUri === undefined || !redirectUriMatches(client!, redirectUri)) fail('The redirect_uri is missing or is not one the client registered.');
  return { client: client!, redirectUri: redirectUri!, state: url.searchParams.getAll('state').length === 1 ? (url.searchParams.get('state') ?? undefined) : undefined };
}

/** The rest of the request, against the client's registration and OAUTH_RESOURCES; problems become RedirectedErrors. */
export function readAuthorizeRequest(target: AuthorizeTarget, url: URL, resources: ReadonlyMap<string, readonly string[]>): AuthorizeRequest {
  const fail = (message: string): never => {
    throw new RedirectedError('invalid_request', message);
  };
  if (url.searchParams.getAll('state').length > 1) fail('The state parameter is repeated.');
  const responseType = single(url, 'response_type', fail);
  if (responseType !== 'code') throw new RedirectedError('unsupported_response_type', 'Only response_type=code is supported.');
  const codeChallenge = single(url, 'code_challenge', fail);
  if (codeChallenge === undefined || !PKCE_CHALLENGE.test(codeChallenge)) fail('PKCE is required: send code_challenge, a base64url SHA-256.');
  if (single(url, 'code_challenge_method', fail) !== 'S256') fail('Only code_challenge_method=S256 is supported.');

  const resource = single(url, 'resource', fail);
  if (resource !== undefined && !resources.has(resource)) throw new RedirectedError('invalid_target', 'The resource is not one this server issues tokens for.');
  const scopes = [...new Set((single(url, 'scope', fail) ?? '').split(' ').filter((scope) => scope !== ''))];
  const offered = new Set<string>([...OIDC_SCOPES, ...(resource === undefined ? [] : (resources.get(resource) ?? []))]);
  const refused = scopes.find((scope) => !offered.has(scope) || !target.client.scopes.includes(scope));
  if (refused !== undefined) throw new RedirectedError('invalid_scope', `The scope "${refused.slice(0, 64)}" is not available to this client.`);

  const promptValues = (single(url, 'prompt', fail) ?? '').split(' ').filter((value) => value !== '');
  if (!promptValues.every((value) => value === 'none' || value === 'login' || value === 'consent')) fail('prompt may be none, login or consent.');
  if (promptValues.includes('none') && promptValues.length > 1) fail('prompt=none cannot be combined with another value.');
  const maxAge = single(url, 'max_age', fail);
  if (maxAge !== undefined && !/^\d{1,9}$/.test(maxAge)) fail('max_age must be a whole number of seconds.');

  return {
    ...target,
    codeChallenge: codeChallenge!,
    scopes,
    nonce: single(url, 'nonce', fail),
    resource,
    prompt: new Set(promptValues as ('none' | 'login' | 'consent')[]),
    maxAgeSeconds: maxAge === undefined ? undefined : Number(maxAge),
  };
}
