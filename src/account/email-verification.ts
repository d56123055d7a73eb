// Verifying an address: sending a verification link, and using a verification or email-change link.

import { AuthError } from '../core/errors';
import type { MailMessage } from '../mail/messages';
import { runStorage } from '../storage/database';
import { claimDirectoryKey, emailDirectoryKey, releaseDirectoryKey } from '../storage/directory';
import { consumeEmailLinkStatement, readConsumedLink } from './email-link-rows';
import { findUserById, findUserIn } from '../storage/users';
import { invalidToken } from '../sessions/require-auth';
import { issueLink, tooManyLinks, type LinkContext } from './email-links';
import { findUsableLink } from './link-check';
import { invalidLink } from './link-check';

/**
 * A verification link to the user's current address, or `null` when the
 * address is already verified (no mail). 429 past the per-address limit.
 */
export async function requestVerificationLink(context: LinkContext, userId: string, options: { quietWhenLimited?: boolean } = {}): Promise<MailMessage | null> {
  const user = await findUserById(context.env, userId);
  if (!user) throw invalidToken(true, 'user no longer exists');
  if (user.emailVerified) return null;
  const issued = await issueLink(context, { purpose: 'verify_email', user: { id: user.id }, sendTo: user.email });
  if (issued.allowed) return issued.message;
  if (options.quietWhenLimited) return null;
  throw tooManyLinks(issued.retryAfterSeconds);
}

/** The user once a link was used. */
export interface VerifiedUser {
  id: string;
  email: string;
  emailVerified: true;
}

/**
 * Uses a verification or email-change link. The batch on the user's shard
 * is one transaction: a conditional DELETE consumes the link (of concurrent
 * uses exactly one gets it), and only then the user's address is marked
 * verified, moved to the link's new address for an email change. An email
 * change first claims the new address's directory entry on its home shard
 * (so an address is unique across shards: of concurrent claims one wins),
 * gives the claim back if the move does not land, and releases the old
 * address's entry once it has. 409 `email_taken` when another account took
 * that address meanwhile (the link is spent).
 */
export async function useVerificationLink(context: Pick<LinkContext, 'env' | 'nowSeconds'>, token: string): Promise<VerifiedUser> {
  const link = await findUsableLink(context.env, token, ['verify_email', 'email_change'], context.nowSeconds);
  const { purpose, userId, newEmail, userEmail } = link.record;
  const db = link.db;
  const target = purpose === 'email_change' ? newEmail : null;
  const claimed = target === null ? true : await claimDirectoryKey(context.env, emailDirectoryKey(target), userId, context.nowSeconds);
  const [consumed, applied] = await runStorage('use verification link', () =>
    db.batch([
      consumeEmailLinkStatement(db, link.tokenHash, purpose, context.nowSeconds),
      db
        .prepare(
          `UPDATE users SET email = COALESCE(?2, email), email_verified = 1
           WHERE id = ?1 AND changes() > 0 AND ?3 = 1 AND (?2 IS NULL OR NOT EXISTS (SELECT 1 FROM users other WHERE other.email = ?2))
           RETURNING id, email`,
        )
        .bind(userId, target, claimed ? 1 : 0),
    ]),
  );
  const row = applied?.results[0] as { id: string; email: string } | undefined;
  if (target !== null) await settleAddressClaims(context, db, { userId, oldEmail: userEmail, newEmail: target, moved: row !== undefined, claimed });
  if (readConsumedLink(consumed) === null) throw invalidLink('link already used or no longer valid');
  if (!row) throw new AuthError('email_taken', 'Another account uses this address now.', { logReason: 'email-change target taken before the link was used' });
  return { id: row.id, email: row.email, emailVerified: true };
}

/**
 * After an email change's batch: the old address's entry goes once the move
 * landed; a claim on the new one is given back when it did not, unless the
 * account has the new address anyway (a concurrent use of the same link won).
 */
async function settleAddressClaims(
  context: Pick<LinkContext, 'env'>,
  userDb: D1Database,
  change: { userId: string; oldEmail: string; newEmail: string; moved: boolean; claimed: boolean },
): Promise<void> {
  if (change.moved) {
    await releaseDirectoryKey(context.env, emailDirectoryKey(change.oldEmail), change.userId);
    return;
  }
  if (!change.claimed) return;
  const current = await findUserIn(userDb, change.userId);
  if (current?.email !== change.newEmail) await releaseDirectoryKey(context.env, emailDirectoryKey(change.newEmail), change.userId);
}
