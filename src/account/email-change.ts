// Asking to move an account to a new address: a link to the new address, a notice to the old one.

import { AuthError } from '../core/errors';
import { composeEmailChangeNotice, type MailMessage } from '../mail/messages';
import { findUserByEmail } from '../storage/users';
import type { AuthContext } from '../http/app-env';
import { normalizeEmail } from '../core/email';
import { issueLink, tooManyLinks, type LinkContext } from './email-links';
import { requireProof, type ProofContext, type ProofInput } from '../proof/proof';

/**
 * Proves the account holder (requireProof), then issues an email-change link bound to the
 * current address and password. Nothing changes until the link is used.
 * 400 for a bad or unchanged address, 409 `email_taken` when another account
 * has it, 429 past the new address's limit. Returns the link message (to the
 * new address) and the notice (to the old one).
 */
export async function requestEmailChange(
  context: LinkContext & ProofContext,
  caller: AuthContext,
  rawNewEmail: string,
  proof: ProofInput,
): Promise<MailMessage[]> {
  const newEmail = normalizeEmail(rawNewEmail);
  if (!newEmail) throw new AuthError('invalid_request', 'Field "new_email" must be a valid email address.');
  const user = await requireProof(context, caller, 'email_change', proof);
  if (newEmail === user.email) throw new AuthError('invalid_request', 'Field "new_email" is already the address of this account.');
  if (await findUserByEmail(context.env, newEmail)) throw new AuthError('email_taken', 'An account with this email already exists.');
  const issued = await issueLink(context, { purpose: 'email_change', user: { id: user.id }, sendTo: newEmail, newEmail });
  if (!issued.allowed) throw tooManyLinks(issued.retryAfterSeconds);
  return [issued.message, composeEmailChangeNotice({ to: user.email, newEmail, productName: context.settings.productName })];
}
