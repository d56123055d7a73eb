// Removing a linked provider identity: 404 when it is not the caller's, 409 when it is their last way to sign in.

import { AuthError } from '../core/errors';
import type { EventClient } from '../sessions/auth-events';
import type { StorageBindings } from '../storage/database';
import { deleteIdentity } from './identity-rows';
import { queueSecurityNotice, type SecurityNotices } from '../account/security-notice';

/** Removes the identity or throws 404 `not_found` / 409 `last_sign_in_method`. One round trip. */
export async function removeIdentity(env: StorageBindings, userId: string, identityId: string, nowSeconds: number, client: EventClient, notices?: SecurityNotices): Promise<void> {
  const outcome = await deleteIdentity(env, userId, identityId.slice(0, 64), nowSeconds, client);
  if (outcome === 'not_found') throw new AuthError('not_found', 'No such identity on this account.');
  if (outcome === 'last_sign_in_method') {
    throw new AuthError('last_sign_in_method', 'This is the account\'s last way to sign in: add a password, a passkey or another provider first.');
  }
  queueSecurityNotice(notices, userId, 'identity_removed');
}
