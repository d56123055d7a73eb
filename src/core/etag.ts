// Strong entity tags and If-None-Match matching (RFC 9110 §8.8.3, §13.1.2).

import { bytesToBase64Url, utf8 } from './encoding';

/** A strong ETag for a body: the quoted base64url SHA-256 of its bytes. */
export async function computeStrongEtag(body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(body));
  return `"${bytesToBase64Url(new Uint8Array(digest))}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag`, so a 304 may be sent.
 * Uses the weak comparison the RFC prescribes for If-None-Match.
 */
export function ifNoneMatchHits(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}
