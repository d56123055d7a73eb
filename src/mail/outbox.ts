// The producer side of mail: checks that mail can leave, then puts composed messages on the mail queue.

import type { AccountSettings } from '../core/config';
import { AuthError } from '../core/errors';
import type { MailMessage } from './messages';

/** The queue binding mail goes through. */
export interface OutboxBindings {
  MAIL_QUEUE: Queue;
}

/**
 * True when the worker runs on this machine (`npm start`, `wrangler dev`):
 * the request reached it on a loopback host, which a deployed worker never is.
 */
export function isLocalRequest(request: Request): boolean {
  const host = new URL(request.url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Throws 500 `server_misconfigured` when mail could not leave: the console
 * transport once deployed (links would only reach a log). Mail routes call it
 * first, whatever the request, so the answer never depends on an account.
 */
export function assertMailCanLeave(settings: AccountSettings, request: Request): void {
  if (settings.mailTransport === 'console' && !isLocalRequest(request)) {
    throw new AuthError('server_misconfigured', 'Server configuration error: MAIL_TRANSPORT is console, which only works locally.', {
      logReason: 'console mail transport on a deployed worker',
    });
  }
}

/** Puts messages on the mail queue (one write), each with its own id; the consumer delivers them with retries. */
export async function enqueueMail(bindings: OutboxBindings, messages: readonly MailMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await bindings.MAIL_QUEUE.sendBatch(messages.map((message) => ({ body: { ...message, id: message.id ?? crypto.randomUUID() }, contentType: 'json' as const })));
}
