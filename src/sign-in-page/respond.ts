// How the sign-in page answers: HTML with a strict Content-Security-Policy, no framing, no caching.

import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env';

/**
 * The page's policy: nothing by default; our own script and stylesheet (and
 * SIGN_IN_PAGE_STYLESHEET's origin); forms post only here; no framing.
 */
export function contentSecurityPolicy(stylesheet: URL | undefined): string {
  const styles = stylesheet === undefined ? "'self'" : `'self' ${stylesheet.origin}`;
  return `default-src 'none'; style-src ${styles}; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

/** Answers `markup` as a page with `status`, setting `cookies`. */
export async function htmlPage(c: Context<AppEnv>, markup: string | Promise<string>, status: 200 | 400 | 401 | 403 | 429, cookies: readonly string[] = []): Promise<Response> {
  c.header('Content-Security-Policy', contentSecurityPolicy(c.var.config.signInPage.stylesheet));
  c.header('X-Frame-Options', 'DENY');
  c.header('Cache-Control', 'no-store');
  for (const cookie of cookies) c.header('Set-Cookie', cookie, { append: true });
  return c.html(await markup, status);
}
