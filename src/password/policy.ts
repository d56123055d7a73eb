// Password rules (NIST SP 800-63B): 8 to 128 characters, no composition rules, no common passwords.

import { COMMON_PASSWORDS_TEXT } from './common-passwords';

export const PASSWORD_MIN_CHARACTERS = 8;
export const PASSWORD_MAX_CHARACTERS = 128;

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * The one form of a password the service works with: Unicode NFKC, so the
 * same password typed on any keyboard or input method is the same string.
 * Every flow normalises once, on entry, then applies the policy to and
 * hashes that same string (fullwidth "ｐａｓｓｗｏｒｄ" is "password").
 */
export function normalizePassword(raw: string): string {
  return raw.normalize('NFKC');
}

/** Length of a password in characters (code points). */
export function passwordLength(password: string): number {
  return [...password].length;
}

/** Why a normalised password (`normalizePassword`) is refused, or `null` when it is acceptable. */
export function findPasswordWeakness(password: string, email?: string): string | null {
  const characters = passwordLength(password);
  if (characters < PASSWORD_MIN_CHARACTERS) return `Password must be at least ${PASSWORD_MIN_CHARACTERS} characters.`;
  if (characters > PASSWORD_MAX_CHARACTERS) return `Password must be at most ${PASSWORD_MAX_CHARACTERS} characters.`;
  commonPasswords ??= new Set(COMMON_PASSWORDS_TEXT.split('\n'));
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) return 'That password is too common; choose another.';
  if (email !== undefined && lower === email.toLowerCase()) return 'Password must not be your email address.';
  return null;
}
