// The oauth_clients table (migration 0015): registered apps, global on shard 00.

import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../core/encoding';
import { DEFAULT_SHARD } from '../core/ids';
import { databaseForShard, runStorage, type StorageBindings } from '../storage/database';
import type { ApplicationType, ClientAuthMethod, ClientMetadata, GrantType } from './client-metadata';

/** A stored client: its metadata, id and when it was registered. */
export interface ClientRecord extends ClientMetadata {
  clientId: string;
  /** SHA-256 (hex) of the secret; `null` for a public client. */
  secretHash: string | null;
  createdAt: number;
}

interface ClientRow {
  client_id: string;
  secret_hash: string | null;
  name: string;
  redirect_uris: string;
  grant_types: string;
  token_endpoint_auth_method: string;
  application_type: string;
  first_party: number;
  scope: string;
  created_at: number;
}

/** SHA-256 (hex) of a client secret, as stored. */
export async function hashClientSecret(secret: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(secret))));
}

function recordOf(row: ClientRow): ClientRecord {
  return {
    clientId: row.client_id,
    secretHash: row.secret_hash,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    grantTypes: JSON.parse(row.grant_types) as GrantType[],
    tokenEndpointAuthMethod: row.token_endpoint_auth_method as ClientAuthMethod,
    applicationType: row.application_type as ApplicationType,
    firstParty: row.first_party === 1,
    scopes: row.scope.split(' ').filter((scope) => scope !== ''),
    createdAt: row.created_at,
  };
}

/** The database of the clients: the shard the id names (always 00 for the ids issued here). */
function clientsDatabase(env: StorageBindings): D1Database {
  return databaseForShard(env, DEFAULT_SHARD);
}

/** Stores a new client; answers its id and, for a confidential client, the secret (shown once, never stored in clear). */
export async function registerClient(
  env: StorageBindings,
  metadata: ClientMetadata,
  createdAt: number,
): Promise<{ client: ClientRecord; secret: string | null }> {
  const clientId = `${DEFAULT_SHARD}.${bytesToBase64Url(randomBytes(16))}`;
  const secret = metadata.tokenEndpointAuthMethod === 'none' ? null : bytesToBase64Url(randomBytes(32));
  const secretHash = secret === null ? null : await hashClientSecret(secret);
  await runStorage('register_oauth_client', () =>
    clientsDatabase(env)
      .prepare(
        `INSERT INTO oauth_clients (client_id, secret_hash, name, redirect_uris, grant_types, token_endpoint_auth_method, application_type, first_party, scope, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
      )
      .bind(
        clientId, secretHash, metadata.name, JSON.stringify(metadata.redirectUris), JSON.stringify(metadata.grantTypes),
        metadata.tokenEndpointAuthMethod, metadata.applicationType, metadata.firstParty ? 1 : 0, metadata.scopes.join(' '), createdAt,
      )
      .run(),
  );
  return { client: { ...metadata, clientId, secretHash, createdAt }, secret };
}

/** One client by id, or `null`. */
export async function findClient(env: StorageBindings, clientId: string): Promise<ClientRecord | null> {
  const row = await runStorage('find_oauth_client', () =>
    clientsDatabase(env).prepare('SELECT * FROM oauth_clients WHERE client_id = ?1').bind(clientId).first<ClientRow>(),
  );
  return row === null ? null : recordOf(row);
}

/** Every client, newest first. */
export async function listClients(env: StorageBindings): Promise<ClientRecord[]> {
  const { results } = await runStorage('list_oauth_clients', () =>
    clientsDatabase(env).prepare('SELECT * FROM oauth_clients ORDER BY created_at DESC, client_id').all<ClientRow>(),
  );
  return results.map(recordOf);
}

/** Deletes a client; answers whether there was one. */
export async function deleteClient(env: StorageBindings, clientId: string): Promise<boolean> {
  const result = await runStorage('delete_oauth_client', () =>
    clientsDatabase(env).prepare('DELETE FROM oauth_clients WHERE client_id = ?1').bind(clientId).run(),
  );
  return result.meta.changes > 0;
}
