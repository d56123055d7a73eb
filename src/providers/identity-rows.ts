// D1 queries on identities: provider accounts linked to users (the lookup at sign-in, linking, a new account, the list, removal).

import { DEFAULT_SHARD } from '../core/ids';
import { insertAuthEventStatement, type EventClient } from '../sessions/auth-events';
import { databaseForKey, databaseForShard, runStorage, shardMapOf, type StorageBindings } from '../storage/database';
import { claimDirectoryKey, claimDirectoryKeyStatement, emailDirectoryKey, findDirectoryEntry, releaseDirectoryKey } from '../storage/directory';
import { removeSignInMethod, type SignInMethodRemoval, type SignInMethodTable } from '../account/sign-in-methods';
import { mapUserRow, type UserRecord } from '../storage/users';

/** A linked identity as the list shows it. */
export interface IdentitySummary {
  id: string;
  provider: string;
  email: string | null;
  createdAt: number;
}

/** A provider account to link: who the provider says it is. */
export interface NewIdentity {
  id: string;
  userId: string;
  provider: string;
  subject: string;
  email: string | null;
  createdAt: number;
}

/** The directory key of a provider account: it routes a sign-in, which knows no user yet, to the user's shard. */
export function identityDirectoryKey(provider: string, subject: string): string {
  return `identity:${provider}:${subject}`;
}

// With whether TOTP is on: a provider sign-in to such an account stops at the second step.
const USER_COLUMNS = 'u.id, u.email, u.password_hash, u.roles, u.created_at, u.email_verified, EXISTS (SELECT 1 FROM totp_factors f WHERE f.user_id = u.id AND f.enabled_at IS NOT NULL) AS totp_enabled';

/**
 * The user a provider account (provider, subject) is linked to, or `null`.
 * The one cross-shard lookup of provider sign-in: the callback knows the
 * provider's subject and nothing of the user. With one shard it is one
 * round trip; with several, the identity's directory entry (on its key's
 * home shard) names the user first, then the user's shard is read.
 */
export async function findIdentityBySubject(env: StorageBindings, provider: string, subject: string): Promise<UserRecord | null> {
  let db = databaseForShard(env, DEFAULT_SHARD);
  if (shardMapOf(env).shards.length > 1) {
    const ownerId = await findDirectoryEntry(env, identityDirectoryKey(provider, subject));
    if (ownerId === null) return null;
    db = databaseForKey(env, ownerId);
  }
  const row = await runStorage('find identity', () =>
    db
      .prepare(`SELECT ${USER_COLUMNS} FROM identities i JOIN users u ON u.id = i.user_id WHERE i.provider = ?1 AND i.subject = ?2`)
      .bind(provider, subject)
      .first<Parameters<typeof mapUserRow>[0]>(),
  );
  return row ? mapUserRow(row) : null;
}

/** Records where a just-linked provider account lives, so sign-ins on any shard find it. One round trip. */
async function indexIdentity(env: StorageBindings, identity: NewIdentity): Promise<void> {
  await claimDirectoryKey(env, identityDirectoryKey(identity.provider, identity.subject), identity.userId, identity.createdAt);
}

/** Forgets where a removed provider account lived (only while the entry is still this user's). One round trip. */
export function unindexIdentity(env: StorageBindings, provider: string, subject: string, userId: string): Promise<void> {
  return releaseDirectoryKey(env, identityDirectoryKey(provider, subject), userId);
}

function insertIdentityStatement(db: D1Database, identity: NewIdentity, condition = '1'): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO identities (id, user_id, provider, subject, email, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ${condition}
       ON CONFLICT (provider, subject) DO NOTHING RETURNING id`,
    )
    .bind(identity.id, identity.userId, identity.provider, identity.subject, identity.email, identity.createdAt);
}

function identityLinkedEvent(db: D1Database, identity: NewIdentity, client: EventClient): D1PreparedStatement {
  // Lands only with the identity: the row is read back by its fresh id (?8).
  return insertAuthEventStatement(db, { type: 'identity_linked', userId: identity.userId, sessionId: null, client }, identity.createdAt, {
    sql: 'EXISTS (SELECT 1 FROM identities WHERE id = ?8)',
    parameters: [identity.id],
  });
}

/**
 * Statements linking a provider account to an existing user and recording
 * `identity_linked`, for the batch that opens the sign-in's session (so the
 * link lands with the session or not at all). The identity lands only while
 * the user still holds the identity's address, verified, and the provider
 * account is linked nowhere (a concurrent callback may have won). Read the
 * results with `indexLinkedIdentity` once the batch ran. `userDb`: the
 * database of the user's shard.
 */
function linkIdentityStatements(userDb: D1Database, identity: NewIdentity, client: EventClient): D1PreparedStatement[] {
  return linkStatements(userDb, identity, client, 'EXISTS (SELECT 1 FROM users WHERE id = ?2 AND email = ?5 AND email_verified = 1)');
}

/** A sign-in batch's part of a first-time link (`null`: none): its statements, and what runs once the batch ran. */
export interface LinkInSignIn {
  extraStatements: D1PreparedStatement[];
  afterExtraStatements: (results: readonly D1Result[]) => Promise<boolean>;
}

/**
 * The statements of `linkIdentityStatements` (on `userDb`, the user's
 * shard) with `indexLinkedIdentity` to follow them (on the directory key's
 * own shard), for the batch that opens a session.
 */
export function linkInSignIn(env: StorageBindings, userDb: D1Database, identity: NewIdentity | null, client: EventClient): LinkInSignIn {
  if (identity === null) return { extraStatements: [], afterExtraStatements: async () => false };
  return { extraStatements: linkIdentityStatements(userDb, identity, client), afterExtraStatements: (results) => indexLinkedIdentity(env, identity, results) };
}

function linkStatements(db: D1Database, identity: NewIdentity, client: EventClient, condition: string): D1PreparedStatement[] {
  return [insertIdentityStatement(db, identity, condition), identityLinkedEvent(db, identity, client)];
}

/**
 * Links a provider account to an existing user and records
 * `identity_linked`, in one batch of its own, then indexes it. Returns
 * `false` when the provider account is already linked.
 */
export async function linkIdentity(env: StorageBindings, identity: NewIdentity, client: EventClient): Promise<boolean> {
  const db = databaseForKey(env, identity.userId);
  const statements = linkStatements(db, identity, client, 'EXISTS (SELECT 1 FROM users WHERE id = ?2)');
  const results = await runStorage('link identity', () => db.batch(statements));
  return indexLinkedIdentity(env, identity, results);
}

/**
 * After the batch of `linkIdentityStatements` (given their results, in
 * order): records in the directory where the provider account now lives
 * when the link landed (one round trip). Returns whether it landed.
 */
async function indexLinkedIdentity(env: StorageBindings, identity: NewIdentity, results: readonly D1Result[]): Promise<boolean> {
  const linked = (results[0]?.results.length ?? 0) === 1;
  if (linked) await indexIdentity(env, identity);
  return linked;
}

/** A new account made from a provider account: no password, verified if the provider said so. */
export interface NewProviderUser {
  userId: string;
  email: string;
  emailVerified: boolean;
  createdAt: number;
}

/**
 * Creates the user with its identity in one batch (one transaction): the
 * user only if the address is free, the identity only with that new user,
 * and a user that ended up without its identity (the provider account was
 * linked concurrently) is removed again. Returns the user, or `null` when
 * nothing was created (address taken, or the race above).
 */
export async function createUserWithIdentity(env: StorageBindings, user: NewProviderUser, identity: NewIdentity, client: EventClient): Promise<UserRecord | null> {
  // The user's shard is its address's home shard: the email's directory entry is claimed in the same batch, as on register.
  const db = databaseForKey(env, user.userId);
  const emailKey = emailDirectoryKey(user.email);
  const insertUser = db
    .prepare(
      `INSERT INTO users (id, email, password_hash, roles, created_at, email_verified) SELECT ?1, ?2, '', '[]', ?3, ?4 WHERE changes() > 0
       ON CONFLICT (email) DO NOTHING RETURNING id, email, password_hash, roles, created_at, email_verified`,
    )
    .bind(user.userId, user.email, user.createdAt, user.emailVerified ? 1 : 0);
  const dropOrphan = db.prepare('DELETE FROM users WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM identities WHERE user_id = ?1)').bind(user.userId);
  const releaseOrphanKey = db.prepare('DELETE FROM directory WHERE key = ?1 AND user_id = ?2 AND NOT EXISTS (SELECT 1 FROM users WHERE id = ?2)').bind(emailKey, user.userId);
  const results = await runStorage('create provider account', () =>
    db.batch([
      claimDirectoryKeyStatement(db, emailKey, user.userId, user.createdAt),
      insertUser,
      insertIdentityStatement(db, identity, 'EXISTS (SELECT 1 FROM users WHERE id = ?2)'),
      identityLinkedEvent(db, identity, client),
      dropOrphan,
      releaseOrphanKey,
    ]),
  );
  const created = results[1]?.results[0] as Parameters<typeof mapUserRow>[0] | undefined;
  const linked = (results[2]?.results.length ?? 0) === 1;
  if (!created || !linked) return null;
  await indexIdentity(env, identity);
  return mapUserRow(created);
}

/** The user's linked identities, oldest first, from the database of the user's shard. One round trip. */
export async function listIdentities(db: D1Database, userId: string): Promise<IdentitySummary[]> {
  const { results } = await runStorage('list identities', () =>
    db
      .prepare('SELECT id, provider, email, created_at FROM identities WHERE user_id = ?1 ORDER BY created_at, id')
      .bind(userId)
      .all<{ id: string; provider: string; email: string | null; created_at: number }>(),
  );
  return results.map((row) => ({ id: row.id, provider: row.provider, email: row.email, createdAt: row.created_at }));
}

/** A statement removing every identity of a user, returning each one's provider and subject (for a batch; see `unindexRemovedIdentities`). */
export function deleteUserIdentitiesStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM identities WHERE user_id = ?1 RETURNING provider, subject').bind(userId);
}

/** Forgets the directory entries of the identities a `deleteUserIdentitiesStatement` removed: one round trip each. */
export async function unindexRemovedIdentities(env: StorageBindings, result: D1Result | undefined, userId: string): Promise<void> {
  for (const identity of (result?.results ?? []) as { provider: string; subject: string }[]) await unindexIdentity(env, identity.provider, identity.subject, userId);
}

/** What removing an identity did. */
export type IdentityRemoval = SignInMethodRemoval;

const IDENTITIES: SignInMethodTable = { table: 'identities', idColumn: 'id', event: 'identity_removed', returning: 'provider, subject', operation: 'remove identity' };

/**
 * Removes the user's identity unless it is their last way to sign in, and
 * records `identity_removed` (one round trip), then forgets its directory entry.
 */
export async function deleteIdentity(env: StorageBindings, userId: string, identityId: string, nowSeconds: number, client: EventClient): Promise<IdentityRemoval> {
  const { outcome, removed } = await removeSignInMethod<{ provider: string; subject: string }>(databaseForKey(env, userId), IDENTITIES, userId, identityId, nowSeconds, client);
  if (removed !== null) await unindexIdentity(env, removed.provider, removed.subject, userId);
  return outcome;
}
