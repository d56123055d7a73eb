// RFC 6238 time-based one-time codes (SHA-1, 6 digits, 30 s steps) from @oslojs/otp, with the clock passed in.
// The library's TOTP functions read Date.now(); its HOTP functions take the step, so this file turns time into steps.

import { decodeBase32IgnorePadding, encodeBase32NoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';

/** Seconds in one time step. */
export const TOTP_STEP_SECONDS = 30;
/** Digits in a code. */
export const TOTP_DIGITS = 6;
/** Steps accepted on either side of the current one (clock skew). */
export const TOTP_SKEW_STEPS = 1;

/** The time step a moment falls in. */
export function totpStepAt(nowSeconds: number): number {
  return Math.floor(nowSeconds / TOTP_STEP_SECONDS);
}

/** The code of one time step: the RFC 4226 HOTP code whose counter is the step. */
export function totpCodeForStep(secret: Uint8Array, step: number): string {
  return generateHOTP(secret, BigInt(step), TOTP_DIGITS);
}

/**
 * The time step whose code matches, looking one step either side of now,
 * or `null`. The caller stores the step so the same code cannot be used twice.
 */
export function findMatchingTotpStep(secret: Uint8Array, code: string, nowSeconds: number): number | null {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return null;
  const current = totpStepAt(nowSeconds);
  let matched: number | null = null;
  for (let step = current - TOTP_SKEW_STEPS; step <= current + TOTP_SKEW_STEPS; step++) {
    // Every candidate is computed and compared (in constant time by the library): the time taken says nothing about which step matched.
    if (verifyHOTP(secret, BigInt(step), TOTP_DIGITS, code)) matched = step;
  }
  return matched;
}

/** RFC 4648 base32 without padding: how authenticator apps take a secret. */
export function bytesToBase32(bytes: Uint8Array): string {
  return encodeBase32NoPadding(bytes);
}

/** RFC 4648 base32 (padding and case ignored) to bytes, or `null` for anything that is not base32. */
export function base32ToBytes(text: string): Uint8Array | null {
  try {
    return decodeBase32IgnorePadding(text.toUpperCase());
  } catch {
    return null;
  }
}

/** The `otpauth://` URI an authenticator app scans: issuer, account label, the base32 secret, SHA-1, digits and period. */
export function totpUri(secret: Uint8Array, issuer: string, accountName: string): string {
  return createTOTPKeyURI(issuer, accountName, secret, TOTP_STEP_SECONDS, TOTP_DIGITS);
}
