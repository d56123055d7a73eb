// Email normalisation: one account per address, whatever its case or Unicode form.

// Zero-width and other invisible format characters that make two addresses look alike.
const INVISIBLE_CHARACTERS = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/u;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
export const EMAIL_MAX_LENGTH = 254;

/**
 * Trims, applies Unicode NFC and lower-cases an email. Returns `null` when it
 * is not a plausible address (including any invisible or control character).
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().normalize('NFC').toLowerCase();
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH) return null;
  if (INVISIBLE_CHARACTERS.test(email) || CONTROL_CHARACTERS.test(email)) return null;
  if (!EMAIL_SHAPE.test(email)) return null;
  return email;
}
