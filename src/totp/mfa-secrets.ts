// Second-factor secrets that are not TOTP codes: the mfa_token of a half-done sign-in (stored as SHA-256) and recovery codes (under a keyed hash).

import { DEFAULT_SHARD } from '../core/ids';
import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../core/encoding';
import { bytesToBase32 } from './totp';

/** A new mfa_token: the user's shard prefix, then 256 random bits, base64url. */
export function newMfaToken(shard = DEFAULT_SHARD): string {
  return `${shard}.${bytesToBase64Url(randomBytes(32))}`;
}

/** True for a string shaped like one of our mfa_tokens. */
export function looksLikeMfaToken(value: string): boolean {
  return /^[0-9a-z]{2}\.[A-Za-z0-9_-]{43}$/.test(value);
}

async function labelledSha256(label: string, value: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`${label}:${value}`))));
}

/** SHA-256 of an mfa_token under its own label: the only form D1 stores. */
export function hashMfaToken(token: string): Promise<string> {
  return labelledSha256('mfa-token', token);
}

/** Recovery codes handed out when TOTP is enabled. */
export const RECOVERY_CODE_COUNT = 10;

/** Random bytes of a recovery code: 80 bits, 16 base32 letters and digits. */
const RECOVERY_CODE_BYTES = 10;
/** Letters of a code handed out before codes had 80 bits (60 bits, stored as SHA-256); they keep working until used. */
const LEGACY_RECOVERY_CODE_LETTERS = 12;
/** The HKDF label of the recovery-code hashing key: its own, so no other key derived from the secret is this one. */
const RECOVERY_CODE_HKDF_INFO = 'edge-auth recovery-code hashing v1';

function grouped(letters: string): string {
  return letters.match(/.{4}/g)?.join('-') ?? letters;
}

/** A new recovery code: 80 random bits as 16 base32 letters and digits, grouped `xxxx-xxxx-xxxx-xxxx` for reading aloud. */
export function newRecoveryCode(): string {
  return grouped(bytesToBase32(randomBytes(RECOVERY_CODE_BYTES)).toLowerCase());
}

/**
 * A typed recovery code in its canonical form (case, spaces and dashes
 * ignored), or `null` when it cannot be one: 16 letters, or the 12 of a code
 * handed out before.
 */
export function normalizeRecoveryCode(typed: string): string | null {
  const letters = typed.toLowerCase().replace(/[\s-]/g, '');
  if (!/^(?:[a-z2-7]{16}|[a-z2-7]{12})$/.test(letters)) return null;
  return grouped(letters);
}

const hashingKeys = new Map<string, Promise<CryptoKey>>();

/** The HMAC-SHA-256 key recovery codes are hashed under: HKDF of KEY_ENCRYPTION_SECRET with its own label. */
function recoveryCodeHashingKey(encryptionSecret: string): Promise<CryptoKey> {
  let pending = hashingKeys.get(encryptionSecret);
  if (!pending) {
    pending = crypto.subtle
      .importKey('raw', utf8(encryptionSecret), 'HKDF', false, ['deriveKey'])
      .then((material) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(RECOVERY_CODE_HKDF_INFO) },
          material,
          { name: 'HMAC', hash: 'SHA-256', length: 256 },
          false,
          ['sign'],
        ),
      );
    hashingKeys.set(encryptionSecret, pending);
  }
  return pending;
}

/**
 * The only form D1 stores of a recovery code (canonical form), bound to its
 * user: HMAC-SHA-256 under a key derived from KEY_ENCRYPTION_SECRET, so a
 * database dump alone cannot test guesses. A 12-letter code from before is
 * looked up as it was stored then (SHA-256), so it keeps working until used
 * or TOTP is turned on again. The stored value is found by an SQL equality:
 * a guesser cannot compute the keyed hash, so its timing tells nothing.
 */
export async function hashRecoveryCode(userId: string, code: string, encryptionSecret: string): Promise<string> {
  if (code.replace(/-/g, '').length === LEGACY_RECOVERY_CODE_LETTERS) return labelledSha256(`recovery-code:${userId}`, code);
  const key = await recoveryCodeHashingKey(encryptionSecret);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(`${userId}:${code}`))));
}
