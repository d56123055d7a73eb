// Email normalisation: one account per address, whatever its case or Unicode form, and only RFC 5321 mailboxes.

// Zero-width and other invisible format characters that make two addresses look alike.
const INVISIBLE_CHARACTERS = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/u;
// A dot-atom (RFC 5321/5322, with RFC 6531's UTF-8): atoms of anything but specials, space and controls, joined by single dots.
const LOCAL_ATOM = '[^\\s<>()\\[\\],;:\\\\"@.\\p{Cc}]+';
const LOCAL_PART = new RegExp(`^${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*$`, 'u');
// A domain of LDH or IDN labels (letters, marks and digits of any script, inner hyphens, at most 63 each), at least two of them.
const DOMAIN_LABEL = '[\\p{L}\\p{M}\\p{N}](?:[\\p{L}\\p{M}\\p{N}-]{0,61}[\\p{L}\\p{M}\\p{N}])?';
const DOMAIN = new RegExp(`^${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})+$`, 'u');
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
 * True when `email` (already folded) is an RFC 5321 mailbox: a dot-atom
 * local part (no `<>()[],;:\"`, space or control character; no leading,
 * trailing or double dot) and a domain of LDH or IDN labels with at least
 * one dot. What a mail server could be made to read as another address
 * (`x<victim@a.b>`, `v@a,evil`, `(c)v@a.b`) is not a mailbox.
 */
export function isMailbox(email: string): boolean {
  const at = email.lastIndexOf('@');
  return at > 0 && LOCAL_PART.test(email.slice(0, at)) && DOMAIN.test(email.slice(at + 1));
}

/**
 * Normalises an email into the one form accounts are keyed by: trimmed, NFC,
 * full case folding (`foldCase`) of both parts, and NFKC for the domain
 * (IDNA treats compatibility forms of a domain as the same name). The local
 * part is not NFKC-mapped, because the receiving server decides what it
 * means and two compatibility forms may be two mailboxes; instead a local
 * part that NFKC would change (fullwidth letters, ligatures, circled
 * letters…) is refused, so no look-alike of another address can be
 * registered. Returns `null` when it is not an RFC 5321 mailbox
 * (`isMailbox`), is longer than 254 characters as received (trimmed), or
 * holds any invisible or control character.
 */
export function normalizeEmail(raw: string): string | null {
  const trimmed = raw.trim().normalize('NFC');
  if (trimmed.length === 0 || trimmed.length > EMAIL_MAX_LENGTH) return null;
  if (INVISIBLE_CHARACTERS.test(trimmed) || CONTROL_CHARACTERS.test(trimmed)) return null;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return null;
  const localPart = trimmed.slice(0, at);
  if (localPart.normalize('NFKC') !== localPart) return null;
  const email = `${foldCase(localPart)}@${foldCase(trimmed.slice(at + 1).normalize('NFKC'))}`;
  if (email.length > EMAIL_MAX_LENGTH) return null;
  if (INVISIBLE_CHARACTERS.test(email) || CONTROL_CHARACTERS.test(email)) return null;
  if (!isMailbox(email)) return null;
  return email;
}
