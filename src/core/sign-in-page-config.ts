// SIGN_IN_PAGE_TITLE and SIGN_IN_PAGE_STYLESHEET: the hosted sign-in page's name and an optional stylesheet, parsed strictly.

import { ConfigError } from './errors';
import { isUnset } from './config-values';

/** The hosted sign-in page's branding. */
export interface SignInPageSettings {
  /** Shown as the page's title and heading; 1 to 64 characters. */
  title: string;
  /** An extra stylesheet's URL (https, or http on loopback); its origin joins the page's `style-src`. */
  stylesheet: URL | undefined;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Parses both variables; a malformed value is a ConfigError, never a silent default. */
export function parseSignInPageSettings(title: unknown, stylesheet: unknown): SignInPageSettings {
  return { title: parseTitle(title), stylesheet: parseStylesheet(stylesheet) };
}

function parseTitle(value: unknown): string {
  if (isUnset(value)) return 'edge-auth';
  const text = typeof value === 'string' ? value.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (text.length === 0 || text.length > 64 || /[\u0000-\u001F\u007F]/u.test(text)) {
    throw new ConfigError('SIGN_IN_PAGE_TITLE', 'must be 1 to 64 characters without control characters');
  }
  return text;
}

function parseStylesheet(value: unknown): URL | undefined {
  if (isUnset(value)) return undefined;
  let url: URL;
  try {
    url = new URL(typeof value === 'string' ? value.trim() : '');
  } catch {
    throw new ConfigError('SIGN_IN_PAGE_STYLESHEET', 'must be an absolute https URL');
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure || url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new ConfigError('SIGN_IN_PAGE_STYLESHEET', 'must be an https URL (http only for localhost) without credentials or fragment');
  }
  return url;
}
