// Second-factor secrets that are not TOTP codes: the mfa_token of a half-done sign-in and recovery codes, each stored only as SHA-256.

import { DEFAULT_SHARD } from '../ids';
import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../tokens/encoding';
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

/** A new recovery code: 60 random bits as 12 base32 letters and digits, grouped `xxxx-xxxx-xxxx` for reading aloud. */
export function newRecoveryCode(): string {
  const letters = bytesToBase32(randomBytes(8)).slice(0, 12).toLowerCase();
  return `${letters.slice(0, 4)}-${letters.slice(4, 8)}-${letters.slice(8, 12)}`;
}

/** A typed recovery code in its canonical form (case, spaces and dashes ignored), or `null` when it cannot be one. */
export function normalizeRecoveryCode(typed: string): string | null {
  const letters = typed.toLowerCase().replace(/[\s-]/g, '');
  if (!/^[a-z2-7]{12}$/.test(letters)) return null;
  return `${letters.slice(0, 4)}-${letters.slice(4, 8)}-${letters.slice(8, 12)}`;
}

/** SHA-256 of a recovery code bound to its user: the only form D1 stores. */
export function hashRecoveryCode(userId: string, code: string): Promise<string> {
  return labelledSha256(`recovery-code:${userId}`, code);
}
