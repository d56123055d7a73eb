// Strong entity tags (RFC 9110 §8.8.3); hono/etag matches If-None-Match against them and answers the 304.

import { bytesToBase64Url, utf8 } from './encoding';

/** A strong ETag for a body: the quoted base64url SHA-256 of its bytes. */
export async function computeStrongEtag(body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(body));
  return `"${bytesToBase64Url(new Uint8Array(digest))}"`;
}

