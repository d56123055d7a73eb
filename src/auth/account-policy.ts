// The account and factor lifecycle policy: the one place that decides what an account may do in each state.
//
// Every capability asks here, instead of deciding for itself, whether an
// action is allowed, whether it needs a proof in the same request, whether a
// sign-in may open a session or must stop at the second step, and what
// proving the address removes. The rules are DESIGN's "Account and factor
// lifecycle"; docs/security.md holds them as a state table with their tests.

import { AuthError } from '../errors';

/** The actions that add, change or remove a way to sign in, or are as consequential. */
export type ProtectedAction =
  | 'passkey_add'
  | 'passkey_remove'
  | 'totp_set_up'
  | 'totp_disable'
  | 'identity_link'
  | 'identity_unlink'
  | 'email_change'
  | 'account_delete'
  | 'api_key_create'
  | 'organization_delete'
  | 'impersonate';

/** The actions that give the account a further way in, refused while the address is unverified. */
const ENROLMENTS: ReadonlySet<ProtectedAction> = new Set<ProtectedAction>(['passkey_add', 'totp_set_up', 'identity_link', 'api_key_create']);

/** The ways a session can be opened. */
export type SignInMethod = 'password' | 'passkey' | 'provider' | 'email_sign_in' | 'second_step';

/** How an address came to be proven. */
export type AddressProof = 'verification_link' | 'password_reset' | 'email_sign_in' | 'provider';

/** What the policy reads of an account. */
export interface AccountState {
  emailVerified: boolean;
  totpEnabled: boolean;
}

/** A provider-only account's re-sign-in counts as a proof for this long. */
export const PROVIDER_REAUTHENTICATION_SECONDS = 300;

/** True for an action that adds a way in (passkey, TOTP, provider identity, API key). */
export function isEnrolment(action: ProtectedAction): boolean {
  return ENROLMENTS.has(action);
}

/**
 * Refuses an enrolment while the address is unverified (403
 * `email_not_verified`): nobody who merely typed the address can plant a
 * factor the owner would inherit. Other protected actions pass.
 */
export function requireActionAllowed(account: Pick<AccountState, 'emailVerified'>, action: ProtectedAction): void {
  if (isEnrolment(action) && !account.emailVerified) {
    throw new AuthError('email_not_verified', 'Verify your email address before adding a way to sign in.', { logReason: `${action} refused: address unverified` });
  }
}

/**
 * Refuses a sign-in of an unverified account when the deployment requires
 * verified addresses (403 `email_not_verified`). It holds for every method,
 * not only passwords.
 */
export function requireSignInAllowed(account: Pick<AccountState, 'emailVerified'>, method: SignInMethod, requireEmailVerification: boolean): void {
  if (requireEmailVerification && !account.emailVerified) {
    throw new AuthError('email_not_verified', 'Verify your email address first: follow the link we sent you.', { logReason: `${method} sign-in refused: address unverified` });
  }
}

/**
 * Whether a sign-in must stop at the second step: with TOTP on, every way in
 * but a passkey (two factors by itself, as user verification is required)
 * and the second step itself.
 */
export function needsSecondStep(account: Pick<AccountState, 'totpEnabled'>, method: SignInMethod): boolean {
  return account.totpEnabled && method !== 'passkey' && method !== 'second_step';
}

/** A provider that does not assert a verified address makes no new account. */
export function mayCreateAccountFromProvider(providerAssertsVerified: boolean): boolean {
  return providerAssertsVerified;
}

/**
 * Whether proving the address removes everything another person could have
 * added before it was proven: true when a reset or an email sign-in proves an
 * address that was unverified. (A verification link is sent to the address
 * the account typed, so only who reads that mailbox can use it; a reset or
 * an email sign-in is how the real owner takes back a pre-registered one.)
 */
export function provingAddressResetsAccount(wasVerified: boolean, how: AddressProof): boolean {
  return !wasVerified && (how === 'password_reset' || how === 'email_sign_in');
}
