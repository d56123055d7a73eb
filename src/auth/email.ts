// Email normalisation: one account per address, whatever its case or Unicode form.

// Zero-width and other invisible format characters that make two addresses look alike.
const INVISIBLE_CHARACTERS = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/u;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;
export const EMAIL_MAX_LENGTH = 254;
// Dotless i folds to itself (CaseFolding.txt); upper-casing would turn it into I and then i.
const DOTLESS_I = /\u0131/gu;
const DOTLESS_I_PLACEHOLDER = '\u{F0131}';

/**
 * Unicode full case folding of a string, so that any two spellings that
 * differ only in letter case become one: "ß", "ẞ" and "SS" all fold to "ss",
 * and final "ς", "σ" and "Σ" all fold to "σ". Built from the platform's
 * full case mappings (upper, then lower, until stable), which agree with
 * CaseFolding.txt's full folding except for dotless i, kept as itself.
 */
export function foldCase(text: string): string {
  let folded = text.replace(DOTLESS_I, DOTLESS_I_PLACEHOLDER);
  for (let round = 0; round < 3; round++) {
    const next = folded.toUpperCase().toLowerCase();
    if (next === folded) break;
    folded = next;
  }
  return folded.replace(/\u03C2/gu, '\u03C3').replaceAll(DOTLESS_I_PLACEHOLDER, '\u0131').normalize('NFC');
}

/**
 * Normalises an email into the one form accounts are keyed by: trimmed, NFC,
 * full case folding (`foldCase`) of both parts, and NFKC for the domain
 * (IDNA treats compatibility forms of a domain as the same name). The local
 * part is not NFKC-mapped, because the receiving server decides what it
 * means and two compatibility forms may be two mailboxes; instead a local
 * part that NFKC would change (fullwidth letters, ligatures, circled
 * letters…) is refused, so no look-alike of another address can be
 * registered. Returns `null` when it is not a plausible address (including
 * any invisible or control character).
 */
export function normalizeEmail(raw: string): string | null {
  const trimmed = raw.trim().normalize('NFC');
  if (trimmed.length === 0 || trimmed.length > EMAIL_MAX_LENGTH * 2) return null;
  if (INVISIBLE_CHARACTERS.test(trimmed) || CONTROL_CHARACTERS.test(trimmed)) return null;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return null;
  const localPart = trimmed.slice(0, at);
  if (localPart.normalize('NFKC') !== localPart) return null;
  const email = `${foldCase(localPart)}@${foldCase(trimmed.slice(at + 1).normalize('NFKC'))}`;
  if (email.length > EMAIL_MAX_LENGTH) return null;
  if (INVISIBLE_CHARACTERS.test(email) || CONTROL_CHARACTERS.test(email)) return null;
  if (!EMAIL_SHAPE.test(email)) return null;
  return email;
}
