// D1 queries on the users table.

import { databaseForKey, databaseForShard, runStorage, shardForEmail, type StorageBindings } from './database';

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
 * Inserts a user unless the email is taken. Returns `null` when it is.
 * One round trip.
 */
export async function insertUser(env: StorageBindings, user: Omit<UserRecord, 'roles' | 'emailVerified' | 'totpEnabled'>): Promise<UserRecord | null> {
  const db = databaseForShard(env, shardForEmail(user.email));
  const row = await runStorage('insert user', () =>
    db
      .prepare(
        `INSERT INTO users (id, email, password_hash, roles, created_at) VALUES (?1, ?2, ?3, '[]', ?4)
         ON CONFLICT (email) DO NOTHING RETURNING id, email, password_hash, roles, created_at, email_verified`,
      )
      .bind(user.id, user.email, user.passwordHash, user.createdAt)
      .first<UserRow>(),
  );
  return row ? mapUserRow(row) : null;
}

/** The user with this normalised email, or `null`. One round trip. */
export async function findUserByEmail(env: StorageBindings, email: string): Promise<UserRecord | null> {
  const db = databaseForShard(env, shardForEmail(email));
  const row = await runStorage('find user by email', () => findUserByEmailStatement(db, email).first<UserRow>());
  return row ? mapUserRow(row) : null;
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

/** The user with this id, or `null`. One round trip. */
export async function findUserById(env: StorageBindings, userId: string): Promise<UserRecord | null> {
  const row = await runStorage('find user by id', () => findUserByIdStatement(databaseForKey(env, userId), userId).first<UserRow>());
  return row ? mapUserRow(row) : null;
}

/** A statement that replaces a user's password hash (for a batch). */
export function updatePasswordHashStatement(env: StorageBindings, userId: string, passwordHash: string): D1PreparedStatement {
  return databaseForKey(env, userId).prepare('UPDATE users SET password_hash = ?2 WHERE id = ?1').bind(userId, passwordHash);
}
