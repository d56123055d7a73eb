// Deleting a user and every row stored about them, in one batch.

import { shardOf } from '../core/ids';
import { databaseForKey, databaseForShard, runStorage, shardForEmail, type StorageBindings } from '../storage/database';
import { emailDirectoryKey, releaseDirectoryKeyStatement } from '../storage/directory';
import type { Capability } from '../http/capability';
import { removeWaysIn } from './ways-in';

/** What identifies a user's rows beyond the id: the address and the hash its failures are counted under. */
export interface UserRowKeys {
  userId: string;
  /** The normalised address: its directory entry and failure record live on its home shard. */
  email: string;
  loginFailuresKey: string;
}

/**
 * Deletes the user with their sessions, refresh tokens, links, every way in
 * (`removeWaysIn`: what each capability declares, today passkeys and their
 * registration challenges, linked identities, TOTP factor, recovery codes,
 * pending second steps),
 * security events and failure record, in one batch (one round trip, one
 * transaction). The address's mail counters stay until they expire, so
 * deleting and registering again never mails an address past its limit.
 * Returns the sessions that were still live, whose KV flags the caller must
 * raise, or `null` when the user was already gone.
 */
export async function deleteUserAndRows(
  env: StorageBindings,
  capabilities: readonly Capability[],
  keys: UserRowKeys,
  nowSeconds: number,
): Promise<string[] | null> {
  const db = databaseForKey(env, keys.userId);
  const { userId } = keys;
  const homeShard = await shardForEmail(env, keys.email);
  const homeRows = (home: D1Database) => [
    home.prepare('DELETE FROM login_failures WHERE email_hash = ?1').bind(keys.loginFailuresKey),
    releaseDirectoryKeyStatement(home, emailDirectoryKey(keys.email), userId),
  ];
  const sameShard = shardOf(userId) === homeShard;
  const waysIn = removeWaysIn(capabilities, db, userId);
  const results = await runStorage('delete account', () =>
    db.batch([
      ...(sameShard ? homeRows(db) : []),
      ...waysIn.statements,
      db.prepare('SELECT id FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2').bind(userId, nowSeconds),
      db.prepare('DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?1)').bind(userId),
      db.prepare('DELETE FROM sessions WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM email_links WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM auth_events WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM users WHERE id = ?1 RETURNING id').bind(userId),
    ]),
  );
  if ((results[results.length - 1]?.results.length ?? 0) === 0) return null;
  // The address's rows on its home shard, when the user lives elsewhere: right after, in their own batch.
  if (!sameShard) {
    const home = databaseForShard(env, homeShard);
    await runStorage('delete account address rows', () => home.batch(homeRows(home)));
  }
  const first = sameShard ? 2 : 0;
  await waysIn.release(env, results.slice(first, first + waysIn.statements.length));
  return (results[first + waysIn.statements.length]?.results as { id: string }[]).map((row) => row.id);
}
