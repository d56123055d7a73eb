// Verifying an authentication response (a passkey sign-in): what can be checked before storage, then the signature and the counter.

import { bytesToBase64Url } from '../../core/encoding';
import { checkAuthenticatorData, checkClientData, decodeField, readSignCount, rejected, type AuthenticatorFlags, type RelyingParty, type Verdict } from './ceremony';
import type { AuthenticationResponseJSON } from './json';
import { verifyCredentialSignature, type StoredPublicKey } from './public-key';

/** The user ids this service puts in `user.id`: a shard prefix and base64url. */
const USER_ID_PATTERN = /^[0-9a-z]{2}\.[A-Za-z0-9_-]{1,64}$/;

/** An assertion whose client and authenticator data passed, awaiting its stored key. */
export interface ParsedAssertion {
  /** The challenge in the client data (base64url): consume it. */
  challenge: string;
  /** The user the passkey belongs to, from `userHandle` (our user id). */
  userId: string;
  credentialId: string;
  signCount: number;
  flags: AuthenticatorFlags;
  authenticatorData: Uint8Array;
  clientDataJSON: Uint8Array;
  signature: Uint8Array;
}

/**
 * Checks an `AuthenticationResponseJSON` as far as it can without storage:
 * type `public-key`, `id` = `rawId`, a `userHandle` that is one of our user
 * ids (passkeys are discoverable, so it is always sent), client data of type
 * `webauthn.get` from an allowed origin, the RP ID hash, user presence and
 * verification.
 */
export async function parseAssertion(response: AuthenticationResponseJSON, rp: RelyingParty): Promise<Verdict<ParsedAssertion>> {
  if (response.type !== 'public-key' || response.id !== response.rawId) return rejected('not a public-key credential, or id differs from rawId');
  const clientDataJSON = decodeField(response.response.clientDataJSON);
  const authenticatorData = decodeField(response.response.authenticatorData);
  const signature = decodeField(response.response.signature);
  const userHandle = decodeField(response.response.userHandle ?? '');
  const rawId = decodeField(response.rawId);
  if (!clientDataJSON || !authenticatorData || !signature || !rawId) return rejected('a field is not base64url');
  const userId = userHandle === null ? null : decodeUserHandle(userHandle);
  if (userId === null) return rejected('no userHandle of ours');
  const clientData = checkClientData(clientDataJSON, 'get', rp);
  if (!clientData.ok) return clientData;
  const flags = await checkAuthenticatorData(authenticatorData, rp);
  if (!flags.ok) return flags;
  return {
    ok: true,
    value: {
      challenge: clientData.value.challenge,
      userId,
      credentialId: bytesToBase64Url(rawId),
      signCount: readSignCount(authenticatorData),
      flags: flags.value,
      authenticatorData,
      clientDataJSON,
      signature,
    },
  };
}

/** The stored passkey an assertion is checked against. */
export interface StoredCredential {
  publicKey: StoredPublicKey;
  signCount: number;
}

/**
 * Checks the signature (over authenticator data and the SHA-256 of the
 * client data) with the stored key, then the counter: when either side
 * keeps one (non-zero), the new value must be greater than the stored one.
 * `counter_regressed` means a possibly cloned authenticator.
 */
export async function verifyAssertion(assertion: ParsedAssertion, stored: StoredCredential): Promise<Verdict<{ signCount: number }> | { ok: false; reason: 'counter_regressed' }> {
  const clientDataHash = new Uint8Array(await crypto.subtle.digest('SHA-256', assertion.clientDataJSON));
  const message = new Uint8Array(assertion.authenticatorData.byteLength + clientDataHash.byteLength);
  message.set(assertion.authenticatorData, 0);
  message.set(clientDataHash, assertion.authenticatorData.byteLength);
  if (!(await verifyCredentialSignature(stored.publicKey, message, assertion.signature))) return rejected('bad signature');
  const keepsCounter = assertion.signCount !== 0 || stored.signCount !== 0;
  if (keepsCounter && assertion.signCount <= stored.signCount) return { ok: false, reason: 'counter_regressed' };
  return { ok: true, value: { signCount: assertion.signCount } };
}

/** RFC 8176 method references of a verified passkey sign-in: `swk` for a backup-eligible (syncable) key, `hwk` for a device-bound one. */
export function passkeyAmr(flags: Pick<AuthenticatorFlags, 'backupEligible'>): readonly string[] {
  return flags.backupEligible ? ['swk', 'user'] : ['hwk', 'user'];
}

function decodeUserHandle(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  return USER_ID_PATTERN.test(text) ? text : null;
}
