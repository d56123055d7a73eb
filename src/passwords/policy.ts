// Password rules (NIST SP 800-63B): 8 to 128 characters, no composition rules, no common passwords.

import { COMMON_PASSWORDS_TEXT } from './common-passwords';

export const PASSWORD_MIN_CHARACTERS = 8;
export const PASSWORD_MAX_CHARACTERS = 128;

let commonPasswords: ReadonlySet<string> | undefined;

/** Why a password is refused, or `null` when it is acceptable. */
export function findPasswordWeakness(password: string, email?: string): string | null {
  const characters = [...password].length;
  if (characters < PASSWORD_MIN_CHARACTERS) return `Password must be at least ${PASSWORD_MIN_CHARACTERS} characters.`;
  if (characters > PASSWORD_MAX_CHARACTERS) return `Password must be at most ${PASSWORD_MAX_CHARACTERS} characters.`;
  commonPasswords ??= new Set(COMMON_PASSWORDS_TEXT.split('\n'));
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) return 'That password is too common; choose another.';
  if (email !== undefined && lower === email.toLowerCase()) return 'Password must not be your email address.';
  return null;
}
