// Which account a provider sign-in opens: the linking rules of "Sign-in with other providers".

import { newIdentityId, newUserId } from '../core/ids';
import { ProviderResponseError, type ProviderProfile } from './profile';
import type { EventClient } from '../sessions/auth-events';
import { shardForEmail, type StorageBindings } from '../storage/database';
import { createUserWithIdentity, findIdentityBySubject, type NewIdentity } from './identity-rows';
import { findUserByEmail, type UserRecord } from '../storage/users';
import { mayCreateAccountFromProvider } from '../core/account-policy';
import { normalizeEmail } from '../core/email';

/**
 * The account to sign in to, or why there is none. `link`: the provider
 * account is to be linked to `user`, written only with the session (or,
 * with TOTP on, once the second step succeeds), never before.
 */
export type ProviderAccount =
  | { kind: 'signed_in'; user: UserRecord; linked: 'existing' | 'new_account' }
  | { kind: 'link'; user: UserRecord; identity: NewIdentity }
  | { kind: 'account_exists' }
  | { kind: 'email_not_verified' };

/**
 * Applies the linking rules, in order:
 * 1. an identity already linked signs in to its account;
 * 2. a provider-verified address equal to an account's verified address
 *    links the identity to that account (`link`: not written yet);
 * 3. an address that belongs to any other account (unverified on either
 *    side) is `account_exists`: nobody takes over an account by
 *    pre-registering its address, or by asserting an address unverified;
 * 4. an address the provider does not assert verified makes no account
 *    (`email_not_verified`, nothing written);
 * 5. otherwise a new account is made, verified, without a password.
 * A race with a concurrent sign-in or registration is run through the rules
 * once more. A profile without a usable address is a ProviderResponseError.
 */
export async function resolveProviderAccount(
  env: StorageBindings,
  provider: string,
  profile: ProviderProfile,
  nowSeconds: number,
  client: EventClient,
): Promise<ProviderAccount> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const linkedUser = await findIdentityBySubject(env, provider, profile.subject);
    if (linkedUser) return { kind: 'signed_in', user: linkedUser, linked: 'existing' };
    const email = profile.email === null ? null : normalizeEmail(profile.email);
    if (email === null) throw new ProviderResponseError('the provider gave no usable email address');
    const existing = await findUserByEmail(env, email);
    if (existing) {
      if (!(profile.emailVerified && existing.emailVerified)) return { kind: 'account_exists' };
      const identity = { id: newIdentityId(existing.id), userId: existing.id, provider, subject: profile.subject, email, createdAt: nowSeconds };
      return { kind: 'link', user: existing, identity };
    }
    if (!mayCreateAccountFromProvider(profile.emailVerified)) return { kind: 'email_not_verified' };
    const userId = newUserId(await shardForEmail(env, email));
    const identity = { id: newIdentityId(userId), userId, provider, subject: profile.subject, email, createdAt: nowSeconds };
    const created = await createUserWithIdentity(env, { userId, email, emailVerified: profile.emailVerified, createdAt: nowSeconds }, identity, client);
    if (created) return { kind: 'signed_in', user: created, linked: 'new_account' };
  }
  throw new ProviderResponseError('the account changed twice during the sign-in');
}
