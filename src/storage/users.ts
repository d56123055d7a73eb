// D1 queries on the users table.

import { shardOf } from '../core/ids';
import { logEvent } from '../core/log';
import { databaseForEmail, databaseForKey, databaseOfKnownShard, runStorage, shardMapOf, type StorageBindings } from './database';
import { claimDirectoryKeyStatement, emailDirectoryKey, findDirectoryEntryStatement, readDirectoryUserId, releaseDirectoryKeyStatement } from './directory';

/** A user as the service sees it. */
export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  roles: string[];
  createdAt: number;
  /** Whether the user proved they receive mail at `email`. */
  emailVerified: boolean;
  /** Whether a password sign-in also needs a TOTP code (read by the lookups login uses; false elsewhere). */
  totpEnabled: boolean;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  roles: string;
  created_at: number;
  email_verified: number;
  totp_enabled?: number;
}

/** Maps a users row to a UserRecord. */
export function mapUserRow(row: UserRow): UserRecord {
  return { id: row.id, email: row.email, passwordHash: row.password_hash, roles: parseRoles(row.roles), createdAt: row.created_at, emailVerified: row.email_verified === 1, totpEnabled: row.totp_enabled === 1 };
}

/** Roles are stored as a JSON array of strings; anything else means no roles. */
export function parseRoles(stored: string | null | undefined): string[] {
  return parseStringArray(stored);
}

/** A stored JSON array of strings (roles, amr, transports); anything else is the empty list. */
export function parseStringArray(stored: string | null | undefined): string[] {
  try {
    const roles: unknown = JSON.parse(stored ?? '[]');
    return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Inserts a user unless the email is taken, on the email's home shard (the
 * user's id must carry that shard). Returns `null` when it is taken. One
 * round trip, one transaction: the email's directory entry is claimed first
 * (its primary key makes the address unique across shards) and the user row
 * lands only if the claim did.
 */
export async function insertUser(env: StorageBindings, user: Omit<UserRecord, 'roles' | 'emailVerified' | 'totpEnabled'>): Promise<UserRecord | null> {
  const db = databaseForKey(env, user.id);
  const key = emailDirectoryKey(user.email);
  const [claim, inserted] = await runStorage('insert user', () =>
    db.batch([
      claimDirectoryKeyStatement(db, key, user.id, user.createdAt),
      db
        .prepare(
          `INSERT INTO users (id, email, password_hash, roles, created_at) SELECT ?1, ?2, ?3, '[]', ?4 WHERE changes() > 0
           ON CONFLICT (email) DO NOTHING RETURNING id, email, password_hash, roles, created_at, email_verified`,
        )
        .bind(user.id, user.email, user.passwordHash, user.createdAt),
    ]),
  );
  const row = inserted?.results[0] as UserRow | undefined;
  if (row) return mapUserRow(row);
  // A users row with this address but no directory entry (a shard not reindexed yet): give the claim back.
  if ((claim?.meta.changes ?? 0) > 0) await runStorage('release directory key', () => releaseDirectoryKeyStatement(db, key, user.id).run());
  return null;
}

/**
 * The user with this normalised email, or `null`. One round trip to the
 * email's home shard (the directory entry rides along when there are several
 * shards), and one more to the user's own shard when the user lives elsewhere
 * (after an email change, or a map change).
 */
export async function findUserByEmail(env: StorageBindings, email: string): Promise<UserRecord | null> {
  const located = await locateUserByEmail(env, email);
  if (located.user !== null || located.elsewhereUserId === null) return located.user;
  return followDirectoryEntry(databaseOfKnownShard(env, located.elsewhereUserId), email, located.elsewhereUserId);
}

/**
 * The user a directory entry for `email` names, only if that user still has
 * the address; otherwise `null` (as for an unknown address) and a
 * `stale_directory_entry` line naming the shard and the user id, never the
 * address. One round trip. `ownerDb`: the database of the owner's shard
 * (`databaseOfKnownShard`; `null` when the id names no shard of the map).
 */
export async function followDirectoryEntry(ownerDb: D1Database | null, email: string, ownerId: string): Promise<UserRecord | null> {
  const owner = ownerDb === null ? null : await findUserIn(ownerDb, ownerId);
  if (owner?.email === email) return owner;
  logEvent('warn', 'stale_directory_entry', { shard: shardOf(ownerId), user_id: ownerId, reason: owner === null ? 'user not found' : 'user has another address' });
  return null;
}

/** What a look at an email's home shard found: the user living there, or the id of one living elsewhere. */
export interface LocatedUser {
  user: UserRecord | null;
  elsewhereUserId: string | null;
}

/** Reads the email's user on its home shard, with its directory entry when the map has several shards. One round trip. */
export async function locateUserByEmail(env: StorageBindings, email: string): Promise<LocatedUser> {
  const db = await databaseForEmail(env, email);
  const statements = [findUserByEmailStatement(db, email)];
  if (shardMapOf(env).shards.length > 1) statements.push(findDirectoryEntryStatement(db, emailDirectoryKey(email)));
  const results = await runStorage('find user by email', () => db.batch(statements));
  const user = readUser(results[0]);
  const owner = readDirectoryUserId(results[1]);
  return { user, elsewhereUserId: user === null && owner !== null ? owner : null };
}

/** Whether the user has TOTP on, in the same read (login needs it without another round trip). */
const TOTP_ENABLED = 'EXISTS (SELECT 1 FROM totp_factors f WHERE f.user_id = users.id AND f.enabled_at IS NOT NULL) AS totp_enabled';

/** A statement selecting the user with this normalised email (for a batch). */
export function findUserByEmailStatement(db: D1Database, email: string): D1PreparedStatement {
  return db.prepare(`SELECT id, email, password_hash, roles, created_at, email_verified, ${TOTP_ENABLED} FROM users WHERE email = ?1`).bind(email);
}

/** A statement selecting the user with this id (for a batch). */
export function findUserByIdStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare(`SELECT id, email, password_hash, roles, created_at, email_verified, ${TOTP_ENABLED} FROM users WHERE id = ?1`).bind(userId);
}

/** The user a `findUserBy…Statement` returned in a batch, or `null`. */
export function readUser(result: D1Result | undefined): UserRecord | null {
  const row = result?.results[0] as UserRow | undefined;
  return row ? mapUserRow(row) : null;
}

/** The user with this id, or `null` (also for an id naming no shard). One round trip. */
export async function findUserById(env: StorageBindings, userId: string): Promise<UserRecord | null> {
  // An id naming no shard of the map names nobody (an admin route's path, say): not found, not a 401.
  const db = databaseOfKnownShard(env, userId);
  return db === null ? null : findUserIn(db, userId);
}

/** The user with this id in a database the caller resolved (the user's shard), or `null`. One round trip. */
export async function findUserIn(db: D1Database, userId: string): Promise<UserRecord | null> {
  const row = await runStorage('find user by id', () => findUserByIdStatement(db, userId).first<UserRow>());
  return row ? mapUserRow(row) : null;
}

/** A statement that replaces a user's password hash (for a batch on the user's shard). */
export function updatePasswordHashStatement(db: D1Database, userId: string, passwordHash: string): D1PreparedStatement {
  return db.prepare('UPDATE users SET password_hash = ?2 WHERE id = ?1').bind(userId, passwordHash);
}
