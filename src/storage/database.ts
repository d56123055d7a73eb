// Which database holds what, and how storage failures surface (503, never a half-written row).

import { AuthError } from '../errors';
import { DEFAULT_SHARD, shardOf } from '../ids';
import { logEvent } from '../log';

/** The storage bindings every storage function needs. */
export interface StorageBindings {
  DB: D1Database;
  KV: KVNamespace;
}

/** A storage call that takes longer than this is treated as an outage. */
export const STORAGE_TIMEOUT_MILLISECONDS = 5_000;
/** What a client is told to wait after a storage outage. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

/**
 * The D1 database that owns an id, token or email. Today every shard lives in
 * `DB`; a later split maps the shard prefix to one of several bindings here,
 * and nothing outside src/storage/ needs to change.
 */
export function databaseForShard(env: StorageBindings, shard: string | null): D1Database {
  void (shard ?? DEFAULT_SHARD);
  return env.DB;
}

/** The database that owns an id or token, routed by its shard prefix. */
export function databaseForKey(env: StorageBindings, idOrToken: string): D1Database {
  return databaseForShard(env, shardOf(idOrToken));
}

/** The shard a new account with this normalised email belongs to. */
export function shardForEmail(normalizedEmail: string): string {
  void normalizedEmail;
  return DEFAULT_SHARD;
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
