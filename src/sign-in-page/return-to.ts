// Where the sign-in page sends the browser afterwards: a path on this origin, never another site.

/** Where a sign-in without a (usable) `return_to` lands. */
export const DEFAULT_RETURN_TO = '/';

/**
 * `value` when it is a path on this origin: starts with one `/` (not `//`,
 * which a browser reads as another host), no backslash (browsers read `/\`
 * as `//`), no control characters or spaces, at most 2048 characters, and
 * it resolves to the same origin. Anything else gives `DEFAULT_RETURN_TO`:
 * the page ignores it rather than redirecting off-site.
 */
export function safeReturnTo(value: string | undefined | null): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return DEFAULT_RETURN_TO;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return DEFAULT_RETURN_TO;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007F]/u.test(value)) return DEFAULT_RETURN_TO;
  const base = 'https://sign-in.invalid';
  try {
    if (new URL(value, base).origin !== base) return DEFAULT_RETURN_TO;
  } catch {
    return DEFAULT_RETURN_TO;
  }
  return value;
}
