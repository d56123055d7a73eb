// Checks both WebAuthn ceremonies share: client data (type, origin, challenge), authenticator flags, the RP ID hash.

import { ClientDataType, parseClientDataJSON } from '@oslojs/webauthn';
import { base64UrlToBytes, bytesToBase64Url, timingSafeEqualBytes, utf8 } from '../../core/encoding';

/** Who the ceremony is for: the relying party ID and the origins allowed to run it. */
export interface RelyingParty {
  id: string;
  /** The service's own origin and ALLOWED_ORIGINS. */
  origins: ReadonlySet<string>;
}

/** A check's outcome: the value, or why it failed (for the log only). */
export type Verdict<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A failed check with its reason. */
export function rejected(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

/** Authenticator data flags (WebAuthn §6.1). */
export interface AuthenticatorFlags {
  userPresent: boolean;
  userVerified: boolean;
  /** BE: the credential may be backed up (synced) to other devices. */
  backupEligible: boolean;
  /** BS: it is backed up now. */
  backedUp: boolean;
  attestedCredentialData: boolean;
}

/** Reads the flags byte of authenticator data (at least 37 bytes). */
export function readFlags(authenticatorData: Uint8Array): AuthenticatorFlags {
  const flags = authenticatorData[32] ?? 0;
  return {
    userPresent: (flags & 0x01) !== 0,
    userVerified: (flags & 0x04) !== 0,
    backupEligible: (flags & 0x08) !== 0,
    backedUp: (flags & 0x10) !== 0,
    attestedCredentialData: (flags & 0x40) !== 0,
  };
}

/** Decodes a base64url field; `null` when it is not base64url or is empty. */
export function decodeField(value: string): Uint8Array | null {
  const bytes = base64UrlToBytes(value);
  return bytes !== null && bytes.byteLength > 0 ? bytes : null;
}

/**
 * Checks the client data of a ceremony: its `type` (`webauthn.create` or
 * `webauthn.get`), an origin in the relying party's list, not cross-origin
 * (no third-party iframe). Returns the challenge (base64url) for the caller
 * to consume.
 */
export function checkClientData(clientDataJSON: Uint8Array, expected: 'create' | 'get', rp: RelyingParty): Verdict<{ challenge: string }> {
  let clientData;
  try {
    clientData = parseClientDataJSON(clientDataJSON);
  } catch {
    return rejected('client data is not valid JSON of the expected shape');
  }
  const expectedType = expected === 'create' ? ClientDataType.Create : ClientDataType.Get;
  if (clientData.type !== expectedType) return rejected(`client data type is not webauthn.${expected}`);
  if (!rp.origins.has(clientData.origin)) return rejected('origin not allowed');
  if (clientData.crossOrigin === true) return rejected('cross-origin ceremony');
  if (clientData.challenge.byteLength === 0) return rejected('empty challenge');
  return { ok: true, value: { challenge: bytesToBase64Url(clientData.challenge) } };
}

/**
 * Checks the part of authenticator data both ceremonies require: the RP ID
 * hash is SHA-256 of our RP ID, the user was present and verified (UV), and
 * BS is never set without BE.
 */
export async function checkAuthenticatorData(authenticatorData: Uint8Array, rp: RelyingParty): Promise<Verdict<AuthenticatorFlags>> {
  if (authenticatorData.byteLength < 37) return rejected('authenticator data too short');
  const expectedHash = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(rp.id)));
  if (!timingSafeEqualBytes(authenticatorData.subarray(0, 32), expectedHash)) return rejected('RP ID hash does not match');
  const flags = readFlags(authenticatorData);
  if (!flags.userPresent) return rejected('user not present');
  if (!flags.userVerified) return rejected('user not verified');
  if (flags.backedUp && !flags.backupEligible) return rejected('backed up but not backup eligible');
  return { ok: true, value: flags };
}

/** The signature counter of authenticator data (bytes 33..36, big-endian). */
export function readSignCount(authenticatorData: Uint8Array): number {
  return new DataView(authenticatorData.buffer, authenticatorData.byteOffset, authenticatorData.byteLength).getUint32(33, false);
}
