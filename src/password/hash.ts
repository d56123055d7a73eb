// Password hashing: PBKDF2-HMAC-SHA-256 through WebCrypto, stored as a PHC-style string.

import { base64ToBytes, bytesToBase64, timingSafeEqualBytes, utf8 } from '../core/encoding';
import { normalizePassword } from './policy';

/** Parameters of the password hash. */
export interface PasswordHashParameters {
  algorithm: 'pbkdf2-sha256';
  iterations: number;
  saltBytes: number;
  hashBytes: number;
}

/**
 * Production Workers refuse PBKDF2 above 100,000 iterations, so that is both
 * our setting and our ceiling; docs/security.md explains the choice and cost.
 */
export const PBKDF2_MAX_ITERATIONS_IN_PRODUCTION = 100_000;

export const CURRENT_PASSWORD_PARAMETERS: PasswordHashParameters = {
  algorithm: 'pbkdf2-sha256',
  iterations: 100_000,
  saltBytes: 16,
  hashBytes: 32,
};

interface ParsedHash {
  parameters: PasswordHashParameters;
  salt: Uint8Array;
  hash: Uint8Array;
}

/**
 * Hashes a password into `$pbkdf2-sha256$i=<iterations>$<salt>$<hash>`
 * (PHC string format, standard base64 without padding).
 */
export async function hashPassword(
  password: string,
  parameters: PasswordHashParameters = CURRENT_PASSWORD_PARAMETERS,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(parameters.saltBytes));
  const hash = await derive(password, salt, parameters.iterations, parameters.hashBytes);
  return `$${parameters.algorithm}$i=${parameters.iterations}$${bytesToBase64(salt)}$${bytesToBase64(hash)}`;
}

/**
 * Checks a password against a stored PHC string in constant time.
 * A string that does not parse never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.parameters.iterations, parsed.hash.byteLength);
  return timingSafeEqualBytes(candidate, parsed.hash);
}

/** True when a stored hash was made with other parameters than today's. */
export function needsRehash(stored: string, current: PasswordHashParameters = CURRENT_PASSWORD_PARAMETERS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { parameters } = parsed;
  return (
    parameters.algorithm !== current.algorithm ||
    parameters.iterations !== current.iterations ||
    parsed.salt.byteLength !== current.saltBytes ||
    parsed.hash.byteLength !== current.hashBytes
  );
}

// A fixed hash at today's parameters: verifying an unknown email against it
// costs the same as a wrong password, and it can never match.
let dummyHash: Promise<string> | undefined;

/** Spends the same work as a real verification, for an account that does not exist. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('edge-auth dummy password that is never accepted');
  await verifyPassword(password, await dummyHash);
  return false;
}

/** Parses a PHC string; `null` when it is not one we can verify. */
export function parseHash(stored: string): ParsedHash | null {
  const match = /^\$pbkdf2-sha256\$i=(\d{1,7})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/.exec(stored);
  if (!match) return null;
  const iterations = Number(match[1]);
  const salt = base64ToBytes(match[2] ?? '');
  const hash = base64ToBytes(match[3] ?? '');
  if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS_IN_PRODUCTION || !salt || !hash) return null;
  return {
    parameters: { algorithm: 'pbkdf2-sha256', iterations, saltBytes: salt.byteLength, hashBytes: hash.byteLength },
    salt,
    hash,
  };
}

async function derive(password: string, salt: Uint8Array, iterations: number, hashBytes: number): Promise<Uint8Array> {
  // Flows pass the string normalizePassword made; NFKC is idempotent, so this
  // changes nothing for them and keeps every hash made before or after alike.
  const key = await crypto.subtle.importKey('raw', utf8(normalizePassword(password)), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, hashBytes * 8);
  return new Uint8Array(bits);
}
