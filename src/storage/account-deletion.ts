// Deleting a user and every row stored about them, in one batch.

import { shardOf } from '../ids';
import { databaseForKey, databaseForShard, runStorage, shardForEmail, type StorageBindings } from './database';
import { emailDirectoryKey, releaseDirectoryKeyStatement } from './directory';
import { unindexIdentity } from './identities';
import { deleteTotpStatements } from './totp-factors';

/** What identifies a user's rows beyond the id: the hashes their address is counted under. */
export interface UserRowKeys {
  userId: string;
  /** The normalised address: its directory entry and failure record live on its home shard. */
  email: string;
  loginFailuresKey: string;
  mailLimitKey: string;
}

/**
 * Deletes the user with their sessions, refresh tokens, links, passkeys, linked identities and
 * their registration challenges, TOTP factor, recovery codes and mfa_tokens, security events, failure record and mail counters, in one batch (one round trip,
 * one transaction). Returns the sessions that were still live, whose KV
 * flags the caller must raise, or `null` when the user was already gone.
 */
export async function deleteUserAndRows(env: StorageBindings, keys: UserRowKeys, nowSeconds: number): Promise<string[] | null> {
  const db = databaseForKey(env, keys.userId);
  const { userId } = keys;
  const homeShard = await shardForEmail(env, keys.email);
  const homeRows = (home: D1Database) => [
    home.prepare('DELETE FROM login_failures WHERE email_hash = ?1').bind(keys.loginFailuresKey),
    releaseDirectoryKeyStatement(home, emailDirectoryKey(keys.email), userId),
  ];
  const sameShard = shardOf(userId) === homeShard;
  const results = await runStorage('delete account', () =>
    db.batch([
      ...(sameShard ? homeRows(db) : []),
      db.prepare('SELECT provider, subject FROM identities WHERE user_id = ?1').bind(userId),
      db.prepare('SELECT id FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2').bind(userId, nowSeconds),
      db.prepare('DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?1)').bind(userId),
      db.prepare('DELETE FROM sessions WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM email_links WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM passkeys WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM identities WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM webauthn_challenges WHERE user_id = ?1').bind(userId),
      ...deleteTotpStatements(db, userId),
      db.prepare('DELETE FROM auth_events WHERE user_id = ?1').bind(userId),
      db.prepare('DELETE FROM mail_limits WHERE address_hash = ?1').bind(keys.mailLimitKey),
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
  // Provider accounts' directory entries live on their keys' home shards: released once the rows are gone.
  for (const identity of results[first]?.results as { provider: string; subject: string }[]) await unindexIdentity(env, identity.provider, identity.subject, userId);
  return (results[first + 1]?.results as { id: string }[]).map((row) => row.id);
}
