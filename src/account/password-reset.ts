// Forgot password (a link, answered identically whether or not the address has an account) and reset with that link.

import { AuthError } from '../core/errors';
import { insertAuthEventStatement } from '../sessions/auth-events';
import type { MailMessage } from '../mail/messages';
import { hashPassword } from '../password/hash';
import { findPasswordWeakness } from '../password/policy';
import { runStorage } from '../storage/database';
import { consumeEmailLinkStatement, deleteUserEmailLinksStatement, readConsumedLink } from './email-link-rows';
import { forgetLoginFailuresStatement } from '../password/login-failures';
import { findUserByEmailStatement, readUser, updatePasswordHashStatement } from '../storage/users';
import type { Capability } from '../http/capability';
import { removeWaysIn, type WaysInRemoval } from './ways-in';
import { provingAddressResetsAccount } from '../core/account-policy';
import type { ClientInfo } from '../http/client-info';
import { normalizeEmail } from '../core/email';
import { issueLink, tooManyLinks, type LinkContext } from './email-links';
import { findUsableLink, invalidLink } from './link-check';
import { revokeSessionsWithResults, type RevocationSettings } from '../sessions/revoke';
import { hashEmailForThrottle } from '../password/throttle';
import { queueSecurityNotice, type SecurityNotices } from './security-notice';

/**
 * Issues a reset link for the address if it has an account. Every address
 * costs the same: the same batch (limit, conditional insert, counter, user
 * lookup) and the same hashing and composition. Returns the message to queue,
 * or `null` when the address has no account (the caller answers alike and
 * queues in the background, so the answer's timing never depends on it).
 */
export async function requestPasswordReset(context: LinkContext, rawEmail: string): Promise<MailMessage | null> {
  const email = normalizeEmail(rawEmail);
  if (!email) throw new AuthError('invalid_request', 'Field "email" must be a valid email address.');
  const issued = await issueLink(context, {
    purpose: 'password_reset',
    user: { email },
    sendTo: email,
    extraStatements: (db) => [findUserByEmailStatement(db, email)],
    // The owner of an address nobody proved yet is told that the reset takes the account back.
    resetsAccount: ([found]) => {
      const user = readUser(found);
      return user !== null && provingAddressResetsAccount(user.emailVerified, 'password_reset');
    },
  });
  if (!issued.allowed) throw tooManyLinks(issued.retryAfterSeconds);
  return readUser(issued.extraResults[0]) ? issued.message : null;
}

/** What a reset needs besides the token and the password. */
export interface ResetContext {
  env: LinkContext['env'];
  nowSeconds: number;
  revocation: RevocationSettings;
  client: ClientInfo;
  /** Tells the owner of the change; none outside a request. */
  notices?: SecurityNotices;
  /** The app's capabilities: a reset that takes the account back removes the ways in each one declares. */
  capabilities: readonly Capability[];
}

/**
 * Sets a new password with a reset link: checks the link and the password
 * (a weak one leaves the link usable), consumes the link with one
 * conditional DELETE (of concurrent uses exactly one goes on), then in one
 * batch stores the hash, marks the address verified, forgets failures and
 * the user's other links, ends pending second steps and revokes every
 * session (flags raised). When the address was unverified, the reset proves
 * it and takes the account back (`provingAddressResetsAccount`): the same
 * batch removes every way in added before (`removeWaysIn`) and
 * records `account_reset`.
 */
export async function resetPassword(context: ResetContext, token: string, newPassword: string): Promise<{ userId: string }> {
  const link = await findUsableLink(context.env, token, 'password_reset', context.nowSeconds);
  const weakness = findPasswordWeakness(newPassword, link.record.userEmail);
  if (weakness) throw new AuthError('weak_password', weakness);
  const newHash = await hashPassword(newPassword);
  const db = link.db;
  const consumed = await runStorage('consume reset link', () => consumeEmailLinkStatement(db, link.tokenHash, 'password_reset', context.nowSeconds).all());
  const userId = readConsumedLink(consumed);
  if (userId === null) throw invalidLink('reset link already used or no longer valid');
  const emailHash = await hashEmailForThrottle(link.record.userEmail);
  const resetsAccount = provingAddressResetsAccount(link.record.userEmailVerified, 'password_reset');
  let waysIn: WaysInRemoval | undefined;
  const { extraResults } = await revokeSessionsWithResults(context.env, db, context.revocation, {
    target: { userId },
    reason: 'password_reset',
    nowSeconds: context.nowSeconds,
    event: { userId, sessionId: null, client: context.client, always: true },
    extraStatements: (batchDb) => {
      waysIn = resetsAccount ? removeWaysIn(context.capabilities, batchDb, userId) : undefined;
      return [
        // First, so their results lead extraResults.
        ...(waysIn?.statements ?? []),
        updatePasswordHashStatement(batchDb, userId, newHash),
        batchDb.prepare('UPDATE users SET email_verified = 1 WHERE id = ?1').bind(userId),
        forgetLoginFailuresStatement(batchDb, emailHash),
        deleteUserEmailLinksStatement(batchDb, userId),
        ...(resetsAccount ? [insertAuthEventStatement(batchDb, { type: 'account_reset', userId, sessionId: null, client: context.client }, context.nowSeconds)] : []),
      ];
    },
  });
  const removal = waysIn as WaysInRemoval | undefined;
  if (removal) await removal.release(context.env, extraResults.slice(0, removal.statements.length));
  queueSecurityNotice(context.notices, userId, 'password_reset');
  return { userId };
}
