// Security notices: the owner of a verified address is told by mail of every change to the ways into the account.

import type { AccountSettings } from '../core/config';
import { logEvent } from '../core/log';
import { composeSecurityNotice, type SecurityChange } from '../mail/messages';
import { enqueueMail, type OutboxBindings } from '../mail/outbox';
import type { StorageBindings } from '../storage/database';
import { findUserById } from '../storage/users';
import type { ClientInfo } from '../http/client-info';

export type { SecurityChange } from '../mail/messages';

/** What sending a notice needs from the request that made the change. */
export interface SecurityNotices {
  env: StorageBindings & OutboxBindings;
  settings: Pick<AccountSettings, 'productName' | 'resetPasswordUrl'>;
  /** The service's public origin, for the default reset page. */
  origin: string;
  client: ClientInfo;
  nowSeconds: number;
  /** Keeps the worker alive for work done after the answer (`ExecutionContext.waitUntil`). */
  waitUntil: (work: Promise<unknown>) => void;
}

async function sendSecurityNotice(notices: SecurityNotices, userId: string, change: SecurityChange, detail: string | undefined): Promise<void> {
  // Read after the change: the address as it is now, and only when its owner has proved it.
  const user = await findUserById(notices.env, userId);
  if (!user?.emailVerified) return;
  const resetPage = notices.settings.resetPasswordUrl ?? `${notices.origin}/reset-password`;
  const message = composeSecurityNotice({
    to: user.email,
    change,
    detail,
    productName: notices.settings.productName,
    at: notices.nowSeconds,
    client: notices.client,
    resetPage,
  });
  await enqueueMail(notices.env, [message]);
}

/**
 * Tells the owner of the account's verified address, by one `security_notice`
 * mail, that `change` was just committed. Runs after the answer (never on
 * the request's critical wait); a failure is logged, never thrown. Does
 * nothing without `notices` (a caller outside a request) or when the
 * address is unverified.
 *
 * @example
 * queueSecurityNotice(context.notices, user.id, 'password_changed');
 */
export function queueSecurityNotice(notices: SecurityNotices | undefined, userId: string, change: SecurityChange, detail?: string): void {
  if (!notices) return;
  const work = sendSecurityNotice(notices, userId, change, detail).catch((error: unknown) => {
    logEvent('error', 'mail_enqueue_failed', { kinds: ['security_notice'], change, message: error instanceof Error ? error.message.slice(0, 200) : String(error) });
  });
  notices.waitUntil(work);
}
