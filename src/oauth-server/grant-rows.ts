// A user's grants (oauth_grants) as the account shows them, and their revocation.

import { databaseForShard, runStorage, type StorageBindings } from '../storage/database';
import { DEFAULT_SHARD } from '../core/ids';

/** One live grant, with its client's name. */
export interface GrantListing {
  id: string;
  clientId: string;
  clientName: string | null;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number;
}

/** The user's live grants, most recently used first, named after their clients (a deleted client: `null`). */
export async function listLiveGrants(env: StorageBindings, db: D1Database, userId: string): Promise<GrantListing[]> {
  const { results } = await runStorage('list_oauth_grants', () =>
    db
      .prepare('SELECT id, client_id, scopes, created_at, last_used_at FROM oauth_grants WHERE user_id = ?1 AND revoked_at IS NULL ORDER BY last_used_at DESC, id LIMIT 100')
      .bind(userId)
      .all<{ id: string; client_id: string; scopes: string; created_at: number; last_used_at: number }>(),
  );
  if (results.length === 0) return [];
  const clientIds = [...new Set(results.map((row) => row.client_id))];
  const names = await runStorage('name_oauth_clients', () =>
    databaseForShard(env, DEFAULT_SHARD)
      .prepare('SELECT client_id, name FROM oauth_clients WHERE client_id IN (SELECT value FROM json_each(?1))')
      .bind(JSON.stringify(clientIds))
      .all<{ client_id: string; name: string }>(),
  );
  const nameOf = new Map(names.results.map((row) => [row.client_id, row.name]));
  return results.map((row) => ({
    id: row.id,
    clientId: row.client_id,
    clientName: nameOf.get(row.client_id) ?? null,
    scopes: row.scopes.split(' ').filter((scope) => scope !== ''),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  }));
}

/**
 * Revokes one of the user's live grants in one batch: the grant ends, its
 * refresh state is cleared and its outstanding codes are deleted. Answers
 * whether there was such a grant; the caller raises its KV flag.
 */
export async function revokeGrant(db: D1Database, userId: string, grantId: string, nowSeconds: number): Promise<boolean> {
  const [revoked] = await runStorage('revoke_oauth_grant', () =>
    db.batch([
      db
        .prepare(
          `UPDATE oauth_grants SET revoked_at = ?3, refresh_hash = NULL, previous_hash = NULL, successor_sealed = NULL
           WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL`,
        )
        .bind(grantId, userId, nowSeconds),
      db.prepare('DELETE FROM oauth_codes WHERE grant_id = ?1 AND user_id = ?2').bind(grantId, userId),
    ]),
  );
  return (revoked?.meta.changes ?? 0) > 0;
}
