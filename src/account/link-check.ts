// Reading a presented link token: its shape, its row, and whether it is still usable for one purpose.

import { AuthError } from '../core/errors';
import { databaseOfKnownShard, type StorageBindings } from '../storage/database';
import { findEmailLink, type EmailLinkRecord } from './email-link-rows';
import { hashLinkToken, looksLikeLinkToken, passwordTagOf, type LinkPurpose } from './link-token';

/** 400 `invalid_link`: the one answer for every unusable token; the reason goes to the log only. */
export function invalidLink(logReason: string): AuthError {
  return new AuthError('invalid_link', 'This link is invalid, expired or already used. Ask for a new one.', { logReason });
}

/** A link that looked usable when read; consuming it is still the atomic step. */
export interface UsableLink {
  tokenHash: string;
  record: EmailLinkRecord;
  /** The database of the token's shard, where the link and its owner live: the request's user database from here on. */
  db: D1Database;
}

/**
 * Finds the link and checks it for `purposes` (one round trip): right
 * purpose, not expired, and its owner still has the address and password it
 * was issued for. Throws `invalid_link` otherwise.
 */
export async function findUsableLink(env: StorageBindings, token: string, purposes: LinkPurpose | readonly LinkPurpose[], nowSeconds: number): Promise<UsableLink> {
  if (!looksLikeLinkToken(token)) throw invalidLink('not shaped like a link token');
  const db = databaseOfKnownShard(env, token);
  if (db === null) throw invalidLink('names no shard of this deployment');
  const tokenHash = await hashLinkToken(token);
  const record = await findEmailLink(db, tokenHash);
  if (!record) throw invalidLink('unknown, used or superseded link');
  const allowed: readonly LinkPurpose[] = typeof purposes === 'string' ? [purposes] : purposes;
  if (!allowed.includes(record.purpose)) throw invalidLink(`link for ${record.purpose}`);
  if (record.expiresAt <= nowSeconds) throw invalidLink('link expired');
  if (record.email !== record.userEmail) throw invalidLink('address changed since the link was issued');
  if (record.passwordTag !== passwordTagOf(record.userPasswordHash)) throw invalidLink('password changed since the link was issued');
  return { tokenHash, record, db };
}
