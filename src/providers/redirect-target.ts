// Where a browser may be sent back to after a provider sign-in: the service's own origin or an ALLOWED_ORIGINS entry.

/**
 * The absolute URL `value` names if its origin is exactly the service's own
 * (`ownOrigin`, its public origin) or one of `allowedOrigins`, any path on it; otherwise
 * `null`. No fragment (the error code goes there), no user info, and only
 * http(s): there is no open redirect.
 */
export function checkRedirectTarget(value: string | undefined, ownOrigin: string, allowedOrigins: ReadonlySet<string>): string | null {
  if (value === undefined || value.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.hash !== '' || value.includes('#') || url.username !== '' || url.password !== '') return null;
  if (url.origin !== ownOrigin && !allowedOrigins.has(url.origin)) return null;
  return url.href;
}

/**
 * `target` with `#error=<code>` and any further parameters
 * (`&mfa_token=…`): the fragment never reaches a server log or a Referer.
 */
export function withErrorFragment(target: string, code: string, parameters: Readonly<Record<string, string>> = {}): string {
  const extra = Object.entries(parameters).map(([name, value]) => `&${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${target}#error=${encodeURIComponent(code)}${extra.join('')}`;
}
