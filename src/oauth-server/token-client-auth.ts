// Client authentication at the token endpoint: client_secret_basic, client_secret_post, or none (a public client, PKCE carries it).

import { timingSafeEqualBytes, utf8 } from '../core/encoding';
import type { StorageBindings } from '../storage/database';
import { findClient, hashClientSecret, type ClientRecord } from './client-rows';
import { TokenError } from './token-errors';

interface Presented {
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
  clientId: string;
  secret: string | null;
}

/** RFC 6749 2.3.1: the Basic user and password are form-urlencoded before base64. */
function decodeBasic(header: string): { clientId: string; secret: string } {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  const refuse = () => new TokenError('invalid_client', 'The Basic credentials are malformed.', true);
  if (!match) throw refuse();
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(atob(match[1]!), (char) => char.charCodeAt(0)));
  } catch {
    throw refuse();
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) throw refuse();
  try {
    const unescape = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { clientId: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  } catch {
    throw refuse();
  }
}

/** Which method the request used and the credentials it presented; more than one method is invalid_request. */
function readPresented(authorization: string | null, form: URLSearchParams): Presented {
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  if (authorization !== null) {
    if (bodySecret !== null) throw new TokenError('invalid_request', 'Use one client authentication method, not two.');
    const basic = decodeBasic(authorization);
    if (bodyId !== null && bodyId !== basic.clientId) throw new TokenError('invalid_request', 'client_id does not match the Basic credentials.');
    return { method: 'client_secret_basic', clientId: basic.clientId, secret: basic.secret };
  }
  if (bodyId === null || bodyId === '') throw new TokenError('invalid_client', 'The client did not identify itself.');
  return bodySecret === null ? { method: 'none', clientId: bodyId, secret: null } : { method: 'client_secret_post', clientId: bodyId, secret: bodySecret };
}

/**
 * Authenticates the client: it exists, used its registered
 * `token_endpoint_auth_method`, and (unless public) presented the secret
 * whose SHA-256 is stored, compared in constant time. Throws invalid_client.
 */
export async function authenticateClient(env: StorageBindings, authorization: string | null, form: URLSearchParams): Promise<ClientRecord> {
  const presented = readPresented(authorization, form);
  const basic = presented.method === 'client_secret_basic';
  const client = await findClient(env, presented.clientId);
  if (client === null) throw new TokenError('invalid_client', 'Client authentication failed.', basic);
  if (client.tokenEndpointAuthMethod !== presented.method) {
    throw new TokenError('invalid_client', `This client authenticates with ${client.tokenEndpointAuthMethod}.`, basic);
  }
  if (presented.method === 'none') return client;
  const expected = utf8(client.secretHash ?? '');
  const given = utf8(await hashClientSecret(presented.secret ?? ''));
  if (client.secretHash === null || !timingSafeEqualBytes(given, expected)) throw new TokenError('invalid_client', 'Client authentication failed.', basic);
  return client;
}
