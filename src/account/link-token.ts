// Emailed link tokens: 256 random bits with the owner's shard prefix, stored only as SHA-256.

import { DEFAULT_SHARD } from '../core/ids';
import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../core/encoding';

/** What a link is for; a token works only for its own purpose. */
export type LinkPurpose = 'verify_email' | 'password_reset' | 'email_change';

/** A new link token: shard prefix, then 256 random bits, base64url. */
export function newLinkToken(shard = DEFAULT_SHARD): string {
  return `${shard}.${bytesToBase64Url(randomBytes(32))}`;
}

/** True for a string shaped like one of our link tokens. */
export function looksLikeLinkToken(value: string): boolean {
  return /^[0-9a-z]{2}\.[A-Za-z0-9_-]{43}$/.test(value);
}

/** SHA-256 of a link token, hex, under its own label: the only form D1 stores. */
export async function hashLinkToken(token: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`email-link:${token}`))));
}

/** How many trailing characters of the password hash a link is bound to. */
export const PASSWORD_TAG_LENGTH = 16;

/**
 * The part of a password hash a link is bound to: the end of the derived
 * hash, which every new password (new salt) changes. An account without a
 * password has the empty tag.
 */
export function passwordTagOf(passwordHash: string): string {
  return passwordHash.slice(-PASSWORD_TAG_LENGTH);
}
