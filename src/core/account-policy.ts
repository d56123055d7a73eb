// The account and factor lifecycle policy: the one place that decides what an account may do in each state.
//
// Every capability asks here, instead of deciding for itself, whether an
// action is allowed, whether it needs a proof in the same request, whether a
// sign-in may open a session or must stop at the second step, and what
// proving the address removes. The rules are DESIGN's "Account and factor
// lifecycle"; docs/security.md holds them as a state table with their tests.

import { AuthError } from './errors';

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

/** A proof of being the account holder that a request can carry. */
export type ProofKind = 'password' | 'totp_code' | 'passkey_assertion';

/** What the proof decision reads of the account. */
export interface ProofAccount {
  hasPassword: boolean;
  totpEnabled: boolean;
}

/** What the proof decision reads of the caller's session (its access token). */
export interface ProofSession {
  /** When the session signed in (`auth_time`), if the token says. */
  authTime: number | undefined;
  /** How it signed in (`amr`); a provider sign-in carries `fed`. */
  amr: readonly string[];
}

/**
 * What a protected action does with the proof a request offered: check it
 * (`password`, `totp_code`, `passkey_assertion`), refuse it unchecked as a
 * wrong proof (`wrong`: a kind this account does not accept), let a recent
 * provider re-sign-in stand for it (`provider_sign_in`), or ask for one
 * (`missing`).
 */
export type ProofDecision = ProofKind | 'wrong' | 'provider_sign_in' | 'missing';

/** The provider sign-in method reference (RFC 8176 `fed`). */
const PROVIDER_SIGN_IN_AMR = 'fed';

/**
 * Which proof an account accepts for a protected action: its password when
 * it has one, and nothing else; otherwise a TOTP code (when TOTP is on) or
 * an assertion of one of its passkeys; with neither offered, a provider
 * sign-in of the last PROVIDER_REAUTHENTICATION_SECONDS. A recent access
 * token alone is never a proof.
 *
 * @example
 * decideProof({ hasPassword: true, totpEnabled: false }, null, session, now) // 'missing': 403 reauthentication_required
 */
export function decideProof(account: ProofAccount, offered: ProofKind | null, session: ProofSession, nowSeconds: number): ProofDecision {
  if (offered === 'password') return account.hasPassword ? 'password' : 'wrong';
  if (offered !== null) {
    if (account.hasPassword) return 'wrong';
    return offered === 'totp_code' && !account.totpEnabled ? 'wrong' : offered;
  }
  if (!account.hasPassword && isRecentProviderSignIn(session, nowSeconds)) return 'provider_sign_in';
  return 'missing';
}

/** A session a provider signed in at most PROVIDER_REAUTHENTICATION_SECONDS ago. */
function isRecentProviderSignIn(session: ProofSession, nowSeconds: number): boolean {
  if (session.authTime === undefined || !session.amr.includes(PROVIDER_SIGN_IN_AMR)) return false;
  return nowSeconds - session.authTime <= PROVIDER_REAUTHENTICATION_SECONDS;
}
