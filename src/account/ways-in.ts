// Every way into an account besides its password and its address, removed together: by a reset that proves an unverified address, and by account deletion.

import type { Capability, UserRows } from '../http/capability';
import type { StorageBindings } from '../storage/database';

/** The statements of a batch that remove a user's ways in, and what to do once the batch has committed. */
export interface WaysInRemoval {
  statements: D1PreparedStatement[];
  /** Call with the batch results of exactly `statements` (in order), after the batch committed. */
  release(env: StorageBindings, results: readonly D1Result[]): Promise<void>;
}

/**
 * Statements removing every way in someone other than the address's owner
 * could have added, as each capability declares them (`waysIn`): linked
 * provider identities, passkeys with pending registration challenges, the
 * TOTP factor with its recovery codes and pending second steps (and the
 * operator's review entry that counted them). A new kind of way in is one
 * more capability in the app's list; nothing here changes. Sessions are the
 * caller's (a revocation, or their deletion).
 *
 * @example
 * const removal = removeWaysIn(c.var.capabilities, db, userId);
 * const results = await db.batch([...removal.statements, ...other]);
 * await removal.release(env, results.slice(0, removal.statements.length));
 */
export function removeWaysIn(capabilities: readonly Capability[], db: D1Database, userId: string): WaysInRemoval {
  const groups: { rows: UserRows; statements: D1PreparedStatement[] }[] = capabilities
    .flatMap((capability) => (capability.waysIn ? [capability.waysIn] : []))
    .map((rows) => ({ rows, statements: rows.remove(db, userId) }));
  return {
    statements: groups.flatMap((group) => group.statements),
    async release(env, results) {
      let offset = 0;
      for (const group of groups) {
        const own = results.slice(offset, offset + group.statements.length);
        offset += group.statements.length;
        if (group.rows.afterRemoval) await group.rows.afterRemoval(env, own, userId);
      }
    },
  };
}
