// Verifying a registration response (attestation "none") down to the credential to store; the challenge is the caller's to consume.

import { decodeCBORToNativeValueNoLeftoverBytes } from '@oslojs/cbor';
import { parseAuthenticatorData } from '@oslojs/webauthn';
import { bytesToBase64Url, timingSafeEqualBytes } from '../../core/encoding';
import { checkAuthenticatorData, checkClientData, decodeField, rejected, type RelyingParty, type Verdict } from './ceremony';
import type { RegistrationResponseJSON } from './json';
import { storedPublicKeyFromCose, type StoredPublicKey } from './public-key';

/** Transports a browser may report (anything else is dropped, not stored). */
const KNOWN_TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
/** WebAuthn caps credential ids at 1023 bytes. */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/** What a good registration yields. */
export interface VerifiedRegistration {
  /** The challenge in the client data (base64url): consume it before storing. */
  challenge: string;
  credentialId: string;
  publicKey: StoredPublicKey;
  signCount: number;
  backupEligible: boolean;
  backedUp: boolean;
  transports: string[];
}

/**
 * Checks a `RegistrationResponseJSON` against the relying party: type
 * `public-key`, `id` = `rawId` = the attested credential id, client data of
 * type `webauthn.create` from an allowed origin, attestation format `none`,
 * the RP ID hash, user presence and verification, and a public key of a
 * supported algorithm. Does not look at storage.
 */
export async function verifyRegistrationResponse(response: RegistrationResponseJSON, rp: RelyingParty): Promise<Verdict<VerifiedRegistration>> {
  if (response.type !== 'public-key' || response.id !== response.rawId) return rejected('not a public-key credential, or id differs from rawId');
  const clientDataJSON = decodeField(response.response.clientDataJSON);
  const attestationBytes = decodeField(response.response.attestationObject);
  const rawId = decodeField(response.rawId);
  if (!clientDataJSON || !attestationBytes || !rawId) return rejected('a field is not base64url');
  const clientData = checkClientData(clientDataJSON, 'create', rp);
  if (!clientData.ok) return clientData;

  const attestation = readNoneAttestation(attestationBytes);
  if (!attestation.ok) return attestation;
  const authenticatorData = attestation.value;
  const checked = await checkAuthenticatorData(authenticatorData, rp);
  if (!checked.ok) return checked;
  let parsed;
  try {
    parsed = parseAuthenticatorData(authenticatorData);
  } catch {
    return rejected('authenticator data does not parse');
  }
  const credential = parsed.credential;
  if (!checked.value.attestedCredentialData || credential === null) return rejected('no attested credential data');
  if (credential.id.byteLength > MAX_CREDENTIAL_ID_BYTES || !timingSafeEqualBytes(credential.id, rawId)) return rejected('credential id differs from rawId');
  const publicKey = storedPublicKeyFromCose(credential.publicKey);
  if (publicKey === null) return rejected('public key algorithm not supported');
  return {
    ok: true,
    value: {
      challenge: clientData.value.challenge,
      credentialId: bytesToBase64Url(credential.id),
      publicKey,
      signCount: parsed.signatureCounter,
      backupEligible: checked.value.backupEligible,
      backedUp: checked.value.backedUp,
      transports: [...new Set(response.response.transports ?? [])].filter((transport) => KNOWN_TRANSPORTS.has(transport)),
    },
  };
}

/**
 * The authenticator data of an attestation object whose format is `none`
 * with an empty statement (the only attestation this service asks for).
 */
function readNoneAttestation(attestationBytes: Uint8Array): Verdict<Uint8Array> {
  let decoded: unknown;
  try {
    decoded = decodeCBORToNativeValueNoLeftoverBytes(attestationBytes, 4);
  } catch {
    return rejected('attestation object is not CBOR');
  }
  if (typeof decoded !== 'object' || decoded === null) return rejected('attestation object is not a map');
  const { fmt, attStmt, authData } = decoded as Record<string, unknown>;
  if (fmt !== 'none') return rejected('attestation format is not none');
  if (typeof attStmt !== 'object' || attStmt === null || Object.keys(attStmt).length !== 0) return rejected('attestation statement of format none is not empty');
  if (!(authData instanceof Uint8Array)) return rejected('attestation object has no authenticator data');
  return { ok: true, value: authData };
}
