// Which database holds what, and how storage failures surface (503, never a half-written row).

import { AuthError, ConfigError } from '../core/errors';
import { DEFAULT_SHARD, shardOf } from '../core/ids';
import { logEvent } from '../core/log';
import { homeShardOf, parseShardMap, type ShardMap } from '../core/shard-map';

/** The storage bindings every storage function needs. */
export interface StorageBindings {
  /** Shard 00, and the home of everything global (signing keys). */
  DB: D1Database;
  KV: KVNamespace;
  /** The shard map (src/core/shard-map.ts); unset = one shard, `00=DB`. */
  D1_SHARDS?: string;
}

/** A storage call that takes longer than this is treated as an outage. */
export const STORAGE_TIMEOUT_MILLISECONDS = 5_000;
/** What a client is told to wait after a storage outage. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

/** The parsed shard map of this environment. */
export function shardMapOf(env: StorageBindings): ShardMap {
  return parseShardMap(env.D1_SHARDS);
}

/** True when the map knows this shard (a prefix from outside may name none). */
export function isKnownShard(env: StorageBindings, shard: string | null): boolean {
  return shard !== null && shardMapOf(env).byId.has(shard);
}

/**
 * The D1 database that holds a shard (`null`: shard 00). An id or token whose
 * prefix names no shard in the map is not ours: 401 `invalid_token`, never a 5xx.
 */
export function databaseForShard(env: StorageBindings, shard: string | null): D1Database {
  const entry = shardMapOf(env).byId.get(shard ?? DEFAULT_SHARD);
  if (!entry) throw new AuthError('invalid_token', 'The token is not valid.', { logReason: 'unknown shard prefix' });
  return bindingOf(env, entry.binding);
}

/**
 * The database that owns an id or token, routed by its shard prefix. A
 * request resolves the database of the user it concerns once, with this,
 * and hands it to the storage functions it calls (issue 24).
 */
export function databaseForKey(env: StorageBindings, idOrToken: string): D1Database {
  return databaseForShard(env, shardOf(idOrToken));
}

/**
 * The database of the shard an id or token names, or `null` when its prefix
 * names no shard of this deployment (the caller answers as for an unknown
 * token, not with `invalid_token`). One lookup.
 */
export function databaseOfKnownShard(env: StorageBindings, idOrToken: string): D1Database | null {
  const entry = shardMapOf(env).byId.get(shardOf(idOrToken) ?? '');
  return entry ? bindingOf(env, entry.binding) : null;
}

/** What a lag-tolerant read runs on: a D1 database or a Sessions API session of one. */
export type ReadableDatabase = Pick<D1Database, 'prepare' | 'batch'>;

/**
 * A read that tolerates a little lag (the sessions list, events, the stored
 * signing keys): D1 read replication through the Sessions API, starting at
 * whichever copy answers first (`first-unconstrained`), which may be a
 * replica a few seconds behind. Without replication enabled every read goes
 * to the primary, as before. Rotation, revocation, lockout and every link or
 * challenge use read the primary (`databaseForKey`) instead.
 */
export function replicaForKey(env: StorageBindings, idOrToken: string): ReadableDatabase {
  return replicaOf(databaseForKey(env, idOrToken));
}

/** The Sessions API session (`first-unconstrained`) of a database, for reads that may lag. */
export function replicaOf(db: D1Database): ReadableDatabase {
  return db.withSession('first-unconstrained');
}

/** Every shard with its database, in map order (for the cron, the admin script, health). */
export function allShardDatabases(env: StorageBindings): { shard: string; db: D1Database }[] {
  return shardMapOf(env).shards.map((entry) => ({ shard: entry.id, db: bindingOf(env, entry.binding) }));
}

/** The shard a new account with this normalised email belongs to: its home shard. */
export function shardForEmail(env: StorageBindings, normalizedEmail: string): Promise<string> {
  return homeShardOf(shardMapOf(env), `email:${normalizedEmail}`);
}

/** The database of an email's home shard (its directory entry, failure record and login claims live there). */
export async function databaseForEmail(env: StorageBindings, normalizedEmail: string): Promise<D1Database> {
  return databaseForShard(env, await shardForEmail(env, normalizedEmail));
}

function bindingOf(env: StorageBindings, binding: string): D1Database {
  const db = (env as unknown as Record<string, unknown>)[binding];
  if (typeof db !== 'object' || db === null || typeof (db as D1Database).prepare !== 'function') {
    throw new ConfigError('D1_SHARDS', `names the binding ${binding}, which is not a D1 database of this worker`);
  }
  return db as D1Database;
}

/**
 * Runs one storage round trip. A throw or a hang becomes a 503 with
 * `Retry-After`; D1 batches are transactions, so nothing half-written stays.
 */
export async function runStorage<T>(operation: string, work: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${STORAGE_TIMEOUT_MILLISECONDS} ms`)), STORAGE_TIMEOUT_MILLISECONDS);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    logEvent('error', 'storage_unavailable', { operation, message: error instanceof Error ? error.message.slice(0, 300) : String(error) });
    throw new AuthError('service_unavailable', 'The service is temporarily unavailable. Please retry shortly.', {
      retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
    });
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
