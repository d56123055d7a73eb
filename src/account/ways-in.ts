// Every way into an account besides its password and its address, removed together: by a reset that proves an unverified address, and by account deletion.

import { deleteUserIdentitiesStatement, unindexRemovedIdentities } from '../providers/identity-rows';
import { deleteUserPasskeysStatements } from '../passkeys/passkey-rows';
import { deleteTotpStatements } from '../totp/totp-factor-rows';
import type { StorageBindings } from '../storage/database';
import { forgetLifecycleReviewStatement } from '../admin/lifecycle-review-rows';

/**
 * What each table's owner offers to remove a user's rows of one kind of way
 * in. A new kind (API keys) is one more line here; the identities come first
 * because their removal returns what `releaseRemovedWaysIn` needs.
 */
const WAYS_IN: readonly ((db: D1Database, userId: string) => D1PreparedStatement[])[] = [
  (db, userId) => [deleteUserIdentitiesStatement(db, userId)],
  deleteUserPasskeysStatements,
  deleteTotpStatements,
  // Not a way in: the operator's review entry that counted them (migration 0013) goes with them.
  (db, userId) => [forgetLifecycleReviewStatement(db, userId)],
];

/**
 * Statements removing every way in someone other than the address's owner
 * could have added: linked provider identities, passkeys (with pending
 * registration challenges), the TOTP factor with its recovery codes, and
 * pending second steps (and the review entry that counted them). For the batch of the change that removes them;
 * sessions are the caller's (a revocation, or their deletion). Pass the
 * batch result of the first statement to `releaseRemovedWaysIn` afterwards.
 *
 * @example
 * const results = await db.batch([...removeWaysInStatements(db, userId), ...other]);
 * await releaseRemovedWaysIn(env, results[0], userId);
 */
export function removeWaysInStatements(db: D1Database, userId: string): D1PreparedStatement[] {
  return WAYS_IN.flatMap((remove) => remove(db, userId));
}

/** After the batch: forgets the directory entries of the removed identities (they live on their keys' home shards). */
export function releaseRemovedWaysIn(env: StorageBindings, firstResult: D1Result | undefined, userId: string): Promise<void> {
  return unindexRemovedIdentities(env, firstResult, userId);
}
