// The value parsers every config section shares: strings, booleans, bounded integers, URLs, and the typo check on names.

import { ConfigError } from './errors';

/** An https URL, or http on a loopback host (local development). */
export function parseUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(name, 'must be an absolute https URL');
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(name, 'must be an https URL (http only for localhost)');
  }
  return url.toString();
}

/** `true` or `false` (any case); the fallback when unset. */
export function parseBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (isUnset(value)) return fallback;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigError(name, 'must be true or false');
}

/** A required, non-blank string variable. */
export function readString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(name, 'is missing');
  return value;
}

/** Unset, null or blank: the variable takes its default. */
export function isUnset(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A whole number within [min, max]; the fallback when unset. */
export function parseInteger(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (isUnset(value)) return fallback;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\s*\d+\s*$/.test(text)) {
    throw new ConfigError(name, 'must be a whole number');
  }
  const parsed = Number(text);
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}`);
  }
  return parsed;
}

/** Whether two names differ by at most one inserted, deleted or changed character. */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    edits++;
    if (edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
