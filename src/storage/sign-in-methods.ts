// How many ways a user can sign in (a password, each passkey, each linked identity): removing the last one is refused.

import { databaseForKey, runStorage, type StorageBindings } from './database';

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

/** The number of ways the user can sign in now. One round trip. */
export async function countSignInMethods(env: StorageBindings, userId: string): Promise<number> {
  const row = await runStorage('count sign-in methods', () =>
    databaseForKey(env, userId).prepare(`SELECT ${signInMethodsSql('?1')} AS methods`).bind(userId).first<{ methods: number }>(),
  );
  return row?.methods ?? 0;
}
