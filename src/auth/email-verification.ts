// Verifying an address: sending a verification link, and using a verification or email-change link.

import { AuthError } from '../errors';
import type { MailMessage } from '../mail/messages';
import { databaseForKey, runStorage } from '../storage/database';
import { consumeEmailLinkStatement, readConsumedLink } from '../storage/email-links';
import { findUserById } from '../storage/users';
import { invalidToken } from '../middleware/require-auth';
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
 * Uses a verification or email-change link in one batch: a conditional
 * DELETE consumes it (of concurrent uses exactly one gets it), and only then
 * the user's address is marked verified, moved to the link's new address
 * for an email change. 409 `email_taken` when another account took that
 * address meanwhile (the link is spent).
 */
export async function useVerificationLink(context: Pick<LinkContext, 'env' | 'nowSeconds'>, token: string): Promise<VerifiedUser> {
  const link = await findUsableLink(context.env, token, ['verify_email', 'email_change'], context.nowSeconds);
  const { purpose, userId, newEmail } = link.record;
  const db = databaseForKey(context.env, userId);
  const target = purpose === 'email_change' ? newEmail : null;
  const [consumed, applied] = await runStorage('use verification link', () =>
    db.batch([
      consumeEmailLinkStatement(db, link.tokenHash, purpose, context.nowSeconds),
      db
        .prepare(
          `UPDATE users SET email = COALESCE(?2, email), email_verified = 1
           WHERE id = ?1 AND changes() > 0 AND (?2 IS NULL OR NOT EXISTS (SELECT 1 FROM users other WHERE other.email = ?2))
           RETURNING id, email`,
        )
        .bind(userId, target),
    ]),
  );
  if (readConsumedLink(consumed) === null) throw invalidLink('link already used or no longer valid');
  const row = applied?.results[0] as { id: string; email: string } | undefined;
  if (!row) throw new AuthError('email_taken', 'Another account uses this address now.', { logReason: 'email-change target taken before the link was used' });
  return { id: row.id, email: row.email, emailVerified: true };
}
