// RFC 6238 time-based one-time codes (SHA-1, 6 digits, 30 s steps) on WebCrypto HMAC, with the clock passed in.

import { timingSafeEqualBytes, utf8 } from '../core/encoding';

/** Seconds in one time step. */
export const TOTP_STEP_SECONDS = 30;
/** Digits in a code. */
export const TOTP_DIGITS = 6;
/** Steps accepted on either side of the current one (clock skew). */
export const TOTP_SKEW_STEPS = 1;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The time step a moment falls in. */
export function totpStepAt(nowSeconds: number): number {
  return Math.floor(nowSeconds / TOTP_STEP_SECONDS);
}

/** The code of one time step (RFC 4226 dynamic truncation over HMAC-SHA-1 of the step counter). */
export async function totpCodeForStep(secret: Uint8Array, step: number): Promise<string> {
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(step));
  const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, '0');
}

/**
 * The time step whose code matches, looking one step either side of now,
 * or `null`. The caller stores the step so the same code cannot be used twice.
 */
export async function findMatchingTotpStep(secret: Uint8Array, code: string, nowSeconds: number): Promise<number | null> {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return null;
  const current = totpStepAt(nowSeconds);
  let matched: number | null = null;
  for (let step = current - TOTP_SKEW_STEPS; step <= current + TOTP_SKEW_STEPS; step++) {
    // Every candidate is computed and compared: the time taken says nothing about which step matched.
    if (timingSafeEqualBytes(utf8(await totpCodeForStep(secret, step)), utf8(code))) matched = step;
  }
  return matched;
}

/** RFC 4648 base32 without padding: how authenticator apps take a secret. */
export function bytesToBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return output;
}

/** RFC 4648 base32 (padding and case ignored) to bytes, or `null` for a letter outside the alphabet. */
export function base32ToBytes(text: string): Uint8Array | null {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const letter of text.toUpperCase().replace(/=+$/, '')) {
    const index = BASE32_ALPHABET.indexOf(letter);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(bytes);
}

/** The `otpauth://` URI an authenticator app scans: issuer, account label and the base32 secret. */
export function totpUri(secret: Uint8Array, issuer: string, accountName: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = new URLSearchParams({ secret: bytesToBase32(secret), issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}
