// D1 queries on email_links: issuing a link (replacing the user's older one of that purpose), reading and consuming it.

import { PASSWORD_TAG_LENGTH, type LinkPurpose } from './link-token';
import { runStorage } from '../storage/database';

/** A link to issue; `user` says how to find its owner (the row lands only if the user exists). */
export interface NewEmailLink {
  tokenHash: string;
  purpose: LinkPurpose;
  user: { id: string } | { email: string };
  /** The address an email-change link moves the account to. */
  newEmail: string | null;
  createdAt: number;
  expiresAt: number;
}

/**
 * A statement that stores a link for the user, bound to the user's address and
 * password tag of this moment, replacing any older link of the same purpose.
 * It acts only when the statement just before it changed a row (`changes() >
 * 0`: the per-address limit allowed the link). For an unknown user it writes
 * nothing, at the same cost.
 */
export function issueEmailLinkStatement(db: D1Database, link: NewEmailLink): D1PreparedStatement {
  const [column, value] = 'id' in link.user ? ['id', link.user.id] : ['email', link.user.email];
  return db
    .prepare(
      `INSERT OR REPLACE INTO email_links (token_hash, user_id, purpose, email, new_email, password_tag, created_at, expires_at)
       SELECT ?1, u.id, ?2, u.email, ?3, substr(u.password_hash, -${PASSWORD_TAG_LENGTH}), ?4, ?5
       FROM users u WHERE u.${column} = ?6 AND changes() > 0`,
    )
    .bind(link.tokenHash, link.purpose, link.newEmail, link.createdAt, link.expiresAt, value);
}

/** A stored link with what its owner looks like now. */
export interface EmailLinkRecord {
  userId: string;
  purpose: LinkPurpose;
  /** The address it was issued for, and the user's address now. */
  email: string;
  userEmail: string;
  /** Whether the owner's address was verified when the link was read. */
  userEmailVerified: boolean;
  newEmail: string | null;
  passwordTag: string;
  userPasswordHash: string;
  expiresAt: number;
}

interface EmailLinkRow {
  user_id: string;
  purpose: LinkPurpose;
  email: string;
  user_email: string;
  email_verified: number;
  new_email: string | null;
  password_tag: string;
  password_hash: string;
  expires_at: number;
}

/** The link with this token hash and its owner, or `null`. One round trip. */
export async function findEmailLink(db: D1Database, tokenHash: string): Promise<EmailLinkRecord | null> {
  const row = await runStorage('find email link', () =>
    db
      .prepare(
        `SELECT l.user_id, l.purpose, l.email, u.email AS user_email, u.email_verified, l.new_email, l.password_tag, u.password_hash, l.expires_at
         FROM email_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = ?1`,
      )
      .bind(tokenHash)
      .first<EmailLinkRow>(),
  );
  if (!row) return null;
  return {
    userId: row.user_id,
    purpose: row.purpose,
    email: row.email,
    userEmail: row.user_email,
    userEmailVerified: row.email_verified === 1,
    newEmail: row.new_email,
    passwordTag: row.password_tag,
    userPasswordHash: row.password_hash,
    expiresAt: row.expires_at,
  };
}

/**
 * A statement that consumes a link if it is still usable: its purpose, not
 * expired, and its owner still has the address and password it was issued
 * for. One conditional DELETE, so of two concurrent uses exactly one gets
 * the row back (`RETURNING user_id`).
 */
export function consumeEmailLinkStatement(db: D1Database, tokenHash: string, purpose: LinkPurpose, nowSeconds: number): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM email_links
       WHERE token_hash = ?1 AND purpose = ?2 AND expires_at > ?3
         AND EXISTS (SELECT 1 FROM users u WHERE u.id = email_links.user_id AND u.email = email_links.email
                     AND substr(u.password_hash, -${PASSWORD_TAG_LENGTH}) = email_links.password_tag)
       RETURNING user_id`,
    )
    .bind(tokenHash, purpose, nowSeconds);
}

/** The user id a `consumeEmailLinkStatement` returned, or `null` when nothing was consumed. */
export function readConsumedLink(result: D1Result | undefined): string | null {
  const row = result?.results[0] as { user_id?: unknown } | undefined;
  return typeof row?.user_id === 'string' ? row.user_id : null;
}

/** A statement deleting every link of a user (their password or account is gone). */
export function deleteUserEmailLinksStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM email_links WHERE user_id = ?1').bind(userId);
}
