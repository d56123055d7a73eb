// The directory: unique keys (an email, later an OAuth identity) mapped to a user id, each on its key's home shard.

import { shardOf } from '../core/ids';
import { databaseForShard, runStorage, shardForEmail, shardMapOf, type StorageBindings } from './database';
import { homeShardOf } from '../core/shard-map';

/**
 * The directory key of a normalised email. Other kinds use their own prefix
 * (`identity:<provider>:<subject>`), so one table serves every unique key.
 */
export function emailDirectoryKey(normalizedEmail: string): string {
  return `email:${normalizedEmail}`;
}

/** The shard a directory key lives on: its home under the shard map (weighted rendezvous hashing). */
export function directoryShardOf(env: StorageBindings, key: string): Promise<string> {
  return homeShardOf(shardMapOf(env), key);
}

/** The database a directory key lives on. */
export async function databaseForDirectoryKey(env: StorageBindings, key: string): Promise<D1Database> {
  return databaseForShard(env, await directoryShardOf(env, key));
}

/**
 * A statement claiming a key for a user: one row when the key is free,
 * nothing when it is taken (the primary key decides, so of concurrent claims
 * exactly one lands). `changes()` after it says whether it did.
 */
export function claimDirectoryKeyStatement(db: D1Database, key: string, userId: string, nowSeconds: number): D1PreparedStatement {
  return db.prepare('INSERT INTO directory (key, user_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO NOTHING').bind(key, userId, nowSeconds);
}

/** A statement reading the user a key belongs to (read it with `readDirectoryUserId`). */
export function findDirectoryEntryStatement(db: D1Database, key: string): D1PreparedStatement {
  return db.prepare('SELECT user_id FROM directory WHERE key = ?1').bind(key);
}

/** The user id a `findDirectoryEntryStatement` returned, or `null`. */
export function readDirectoryUserId(result: D1Result | undefined): string | null {
  const row = result?.results[0] as { user_id?: unknown } | undefined;
  return typeof row?.user_id === 'string' ? row.user_id : null;
}

/** A statement releasing a key, only while it still belongs to this user. */
export function releaseDirectoryKeyStatement(db: D1Database, key: string, userId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM directory WHERE key = ?1 AND user_id = ?2').bind(key, userId);
}

/** Claims a key for a user on its home shard. True when it is now theirs (also when it already was). One round trip. */
export async function claimDirectoryKey(env: StorageBindings, key: string, userId: string, nowSeconds: number): Promise<boolean> {
  const db = await databaseForDirectoryKey(env, key);
  const [, owner] = await runStorage('claim directory key', () => db.batch([claimDirectoryKeyStatement(db, key, userId, nowSeconds), findDirectoryEntryStatement(db, key)]));
  return readDirectoryUserId(owner) === userId;
}

/** The user a key belongs to, or `null`. One round trip, to the key's home shard. */
export async function findDirectoryEntry(env: StorageBindings, key: string): Promise<string | null> {
  const db = await databaseForDirectoryKey(env, key);
  return readDirectoryUserId(await runStorage('find directory key', () => findDirectoryEntryStatement(db, key).all()));
}

/** Releases a key if it still belongs to this user. One round trip. */
export async function releaseDirectoryKey(env: StorageBindings, key: string, userId: string): Promise<void> {
  const db = await databaseForDirectoryKey(env, key);
  await runStorage('release directory key', () => releaseDirectoryKeyStatement(db, key, userId).run());
}

/** True when a directory entry points at a user living on another shard than the key's own. */
export function livesElsewhere(keyShard: string, userId: string): boolean {
  return shardOf(userId) !== keyShard;
}

/**
 * The shard holding the account of a normalised email: its home shard, or,
 * with several shards, the shard its directory entry points at (one round
 * trip, the same for an unknown address). Single shard: no round trip.
 */
export async function shardOfEmailOwner(env: StorageBindings, normalizedEmail: string): Promise<string> {
  const home = await shardForEmail(env, normalizedEmail);
  if (shardMapOf(env).shards.length === 1) return home;
  const owner = await findDirectoryEntry(env, emailDirectoryKey(normalizedEmail));
  return (owner === null ? null : shardOf(owner)) ?? home;
}
