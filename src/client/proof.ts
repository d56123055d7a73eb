// The proof a protected call carries in its body: the password, or without one a TOTP code or a passkey assertion.

import type { PasskeyCredentialJSON } from './passkeys';

/**
 * Proof that the caller is the account holder, sent with every call that
 * adds, changes or removes a way to sign in (and with email change and
 * account deletion): `{ password }` when the account has one; otherwise
 * `{ code }` (TOTP) or `{ credential }` (an assertion of one of its
 * passkeys, see `passkeyProofInBrowser`); `{}` only for an account without
 * a password that signed in with its provider in the last 5 minutes.
 */
export type Proof = { password: string } | { code: string } | { credential: PasskeyCredentialJSON } | Record<string, never>;

/** The JSON fields of a proof (the wire names are the same). */
export function proofFields(proof: Proof): Record<string, unknown> {
  if ('password' in proof) return { password: proof.password };
  if ('code' in proof) return { code: proof.code };
  if ('credential' in proof) return { credential: proof.credential };
  return {};
}
