// How many ways a user can sign in (a password, each passkey, each linked identity): removing the last one is refused.

import { insertAuthEventStatement, type AuthEventType, type EventClient } from '../sessions/auth-events';
import { runStorage } from '../storage/database';

/**
 * SQL counting the sign-in methods of the user whose id is bound at
 * `userParameter` (e.g. `?1`): one for a password, one per passkey, one per
 * linked provider identity. The one place that knows what counts; a new way
 * to sign in adds its term here.
 */
export function signInMethodsSql(userParameter: string): string {
  return `((SELECT COUNT(*) FROM users WHERE id = ${userParameter} AND password_hash <> '')
    + (SELECT COUNT(*) FROM passkeys WHERE user_id = ${userParameter})
    + (SELECT COUNT(*) FROM identities WHERE user_id = ${userParameter}))`;
}

/** The number of ways the user can sign in now, read on the user's shard. One round trip. */
export async function countSignInMethods(db: D1Database, userId: string): Promise<number> {
  const row = await runStorage('count sign-in methods', () =>
    db.prepare(`SELECT ${signInMethodsSql('?1')} AS methods`).bind(userId).first<{ methods: number }>(),
  );
  return row?.methods ?? 0;
}

/** What removing a way to sign in did. */
export type SignInMethodRemoval = 'removed' | 'not_found' | 'last_sign_in_method';

/** A table whose rows are ways to sign in (a passkey, a linked identity), and what removing one records. */
export interface SignInMethodTable {
  table: 'passkeys' | 'identities';
  /** The column that names one of the user's rows. */
  idColumn: 'credential_id' | 'id';
  event: Extract<AuthEventType, 'passkey_removed' | 'identity_removed'>;
  /** The columns the removed row gives back. */
  returning: string;
  operation: string;
}

/**
 * Removes one of the user's rows of `kind` unless it is their last way to
 * sign in, and records the removal event with it, in one batch (one round
 * trip, one transaction: a concurrent removal cannot take both last rows).
 * Returns the outcome and, when removed, the row's `returning` columns.
 * `db`: the database of the user's shard.
 */
export async function removeSignInMethod<Row>(
  db: D1Database,
  kind: SignInMethodTable,
  userId: string,
  rowId: string,
  nowSeconds: number,
  client: EventClient,
): Promise<{ outcome: SignInMethodRemoval; removed: Row | null }> {
  const probe = db.prepare(`SELECT EXISTS (SELECT 1 FROM ${kind.table} WHERE user_id = ?1 AND ${kind.idColumn} = ?2) AS found`).bind(userId, rowId);
  const event = insertAuthEventStatement(db, { type: kind.event, userId, sessionId: null, client }, nowSeconds, {
    sql: `EXISTS (SELECT 1 FROM ${kind.table} WHERE user_id = ?2 AND ${kind.idColumn} = ?8) AND ${signInMethodsSql('?2')} > 1`,
    parameters: [rowId],
  });
  const removal = db
    .prepare(`DELETE FROM ${kind.table} WHERE user_id = ?1 AND ${kind.idColumn} = ?2 AND ${signInMethodsSql('?1')} > 1 RETURNING ${kind.returning}`)
    .bind(userId, rowId);
  const results = await runStorage(kind.operation, () => db.batch([probe, event, removal]));
  const removed = (results[2]?.results[0] as Row | undefined) ?? null;
  if (removed !== null) return { outcome: 'removed', removed };
  const found = (results[0]?.results[0] as { found: number } | undefined)?.found === 1;
  return { outcome: found ? 'last_sign_in_method' : 'not_found', removed: null };
}
