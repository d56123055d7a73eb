// Issuing emailed links: the per-address limit, the stored hash, and the composed message, for every purpose.

import type { AccountSettings } from '../core/config';
import { AuthError } from '../core/errors';
import { composeLinkMail, type MailMessage } from '../mail/messages';
import { databaseForShard, runStorage, type StorageBindings } from '../storage/database';
import { shardOfEmailOwner } from '../storage/directory';
import { issueEmailLinkStatement } from './email-link-rows';
import { countMailLinkStatement, mailLimitRetryAfterSeconds, mailLinkAllowed, readMailLimitStatement } from './mail-limits';
import { shardOf } from '../core/ids';
import { bytesToHex, utf8 } from '../core/encoding';
import { hashLinkToken, newLinkToken, type LinkPurpose } from './link-token';

/** What issuing a link needs from the request. */
export interface LinkContext {
  env: StorageBindings;
  settings: AccountSettings;
  /** The service's own origin, for the default pages. */
  origin: string;
  nowSeconds: number;
}

/** A link to issue: for whom, to which address, and (email change) the address to move to. */
export interface LinkRequest {
  purpose: LinkPurpose;
  /** The owner by id, or (forgot password) by address; an unknown owner stores nothing. */
  user: { id: string } | { email: string };
  /** The address the link goes to; the per-address limit counts it. */
  sendTo: string;
  newEmail?: string;
  /** More statements for the same batch (e.g. a user lookup), after the link's own. */
  extraStatements?: (db: D1Database) => D1PreparedStatement[];
  /** Whether following the link takes the account back (the mail then says so), from the extra statements' results. */
  resetsAccount?: (extraResults: D1Result[]) => boolean;
}

/** What issuing found: the message to queue (if it may go) and the extra statements' results. */
export interface IssuedLink {
  allowed: boolean;
  retryAfterSeconds: number;
  message: MailMessage;
  extraResults: D1Result[];
}

/** The key an address's links are counted under: SHA-256 of the normalised address. */
export async function hashAddressForMailLimit(normalizedEmail: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(`mail-limit:${normalizedEmail}`))));
}

/** The page a link of this purpose opens, with the token after `#` (never sent to a server). */
export function linkUrl(context: Pick<LinkContext, 'settings' | 'origin'>, purpose: LinkPurpose, token: string): string {
  const configured = purpose === 'password_reset' ? context.settings.resetPasswordUrl : context.settings.verifyEmailUrl;
  const page = configured ?? `${context.origin}${purpose === 'password_reset' ? '/reset-password' : '/verify-email'}`;
  return `${page}#token=${token}`;
}

function ttlFor(settings: AccountSettings, purpose: LinkPurpose): number {
  return purpose === 'password_reset' ? settings.passwordResetTtlSeconds : settings.emailVerificationTtlSeconds;
}

/**
 * Issues a link in one batch (one round trip): counts it against the
 * address's limit, stores its hash (replacing the owner's older link of the
 * purpose) only if the limit allowed it, and reads the counter back. The same
 * statements run whether or not the owner exists, and the message is composed
 * either way, so an unknown address costs the same work.
 */
export async function issueLink(context: LinkContext, request: LinkRequest): Promise<IssuedLink> {
  const shard = 'id' in request.user ? shardOf(request.user.id) : await shardOfEmailOwner(context.env, request.user.email);
  const db = databaseForShard(context.env, shard);
  const token = newLinkToken(shard ?? undefined);
  const limit = { addressHash: await hashAddressForMailLimit(request.sendTo), purpose: request.purpose, nowSeconds: context.nowSeconds };
  const ttlSeconds = ttlFor(context.settings, request.purpose);
  const statements = [
    countMailLinkStatement(db, limit),
    issueEmailLinkStatement(db, {
      tokenHash: await hashLinkToken(token),
      purpose: request.purpose,
      user: request.user,
      newEmail: request.newEmail ?? null,
      createdAt: context.nowSeconds,
      expiresAt: context.nowSeconds + ttlSeconds,
    }),
    readMailLimitStatement(db, limit),
    ...(request.extraStatements?.(db) ?? []),
  ];
  const results = await runStorage(`issue ${request.purpose} link`, () => db.batch(statements));
  const allowed = mailLinkAllowed(results[0]);
  const extraResults = results.slice(3);
  const message = composeLinkMail(request.purpose, {
    to: request.sendTo,
    link: linkUrl(context, request.purpose, token),
    productName: context.settings.productName,
    ttlSeconds,
    resetsAccount: request.resetsAccount?.(extraResults) ?? false,
  });
  return { allowed, retryAfterSeconds: allowed ? 0 : mailLimitRetryAfterSeconds(results[2], context.nowSeconds), message, extraResults };
}

/** The 429 a limited address gets (the same whether or not it has an account). */
export function tooManyLinks(retryAfterSeconds: number): AuthError {
  return new AuthError('too_many_attempts', 'A link was sent to this address moments ago. Check your inbox, or try again later.', {
    retryAfterSeconds,
    logReason: 'per-address mail limit',
  });
}
