// Base64url, base64 and hex over @oslojs/encoding (the worker's one encoding library), randomness, UTF-8 and a constant-time compare.
// The wrappers keep the worker's names and its "`null` for anything malformed" contract (the library throws), so callers stay as they are.

import { decodeBase64IgnorePadding, decodeBase64urlIgnorePadding, encodeBase64NoPadding, encodeBase64urlNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** Encodes bytes as unpadded base64url. */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return encodeBase64urlNoPadding(bytes);
}

/** Decodes unpadded base64url; returns `null` for anything else (padding, other letters, a length no encoding has). */
export function base64UrlToBytes(text: string): Uint8Array | null {
  return text.includes('=') ? null : decodedOrNull(decodeBase64urlIgnorePadding, text);
}

/** Encodes bytes as standard base64 without padding (the PHC password-hash string). */
export function bytesToBase64(bytes: Uint8Array): string {
  return encodeBase64NoPadding(bytes);
}

/** Decodes standard base64, padded or not; returns `null` for anything else. */
export function base64ToBytes(text: string): Uint8Array | null {
  return decodedOrNull(decodeBase64IgnorePadding, text);
}

function decodedOrNull(decode: (text: string) => Uint8Array, text: string): Uint8Array | null {
  try {
    return decode(text);
  } catch {
    return null;
  }
}

/** Lower-case hex of bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  return encodeHexLowerCase(bytes);
}

/** `count` bytes from the platform's CSPRNG. */
export function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

const textEncoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** Constant-time equality of two byte strings (length is not secret). Ours: @oslojs/encoding has none, and @oslojs/crypto is no direct dependency. */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let difference = 0;
  for (let i = 0; i < a.byteLength; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
