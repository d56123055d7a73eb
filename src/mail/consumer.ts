// The consumer side of mail: delivers queued messages, retries failures with back-off, logs dead letters.

import { getConfig, type RawVars } from '../core/config';
import { logEvent } from '../core/log';
import type { MailKind, MailMessage } from './messages';
import { deliverMail, type MailBindings } from './transports';

/** Queue names end with this suffix for the dead-letter queue (wrangler.toml). */
export const DEAD_LETTER_SUFFIX = '-dead';
/** First retry after this long; each next one waits twice as long, up to the cap. */
export const RETRY_BASE_DELAY_SECONDS = 2;
export const RETRY_MAX_DELAY_SECONDS = 600;

/** The delay before retry number `attempts` (1 = the first delivery just failed). */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(RETRY_MAX_DELAY_SECONDS, RETRY_BASE_DELAY_SECONDS * 2 ** Math.max(0, attempts - 1));
}

function isMailMessage(body: unknown): body is MailMessage {
  if (typeof body !== 'object' || body === null) return false;
  const message = body as Record<string, unknown>;
  return typeof message.to === 'string' && typeof message.subject === 'string' && typeof message.text === 'string' && typeof message.html === 'string';
}

/** A log-safe description of a message: its kind and a hint of the address, never the link. */
function describe(message: unknown): { kind: MailKind | 'unknown'; to_domain: string | null } {
  if (!isMailMessage(message)) return { kind: 'unknown', to_domain: null };
  return { kind: message.kind, to_domain: message.to.split('@')[1] ?? null };
}

/**
 * Handles one batch from the mail queue or its dead-letter queue. Each
 * message is delivered on its own: a failure retries that message alone,
 * after `retryDelaySeconds(attempts)`; the queue moves it to the dead-letter
 * queue once its retries are spent, where it is logged and dropped.
 */
export async function handleMailBatch(batch: MessageBatch, env: RawVars & MailBindings): Promise<void> {
  if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
    for (const message of batch.messages) {
      logEvent('error', 'mail_dead_letter', { queue: batch.queue, message_id: message.id, attempts: message.attempts, ...describe(message.body) });
      message.ack();
    }
    return;
  }
  const settings = getConfig(env).account;
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isMailMessage(message.body)) {
        logEvent('error', 'mail_dropped', { queue: batch.queue, message_id: message.id, reason: 'not a mail message' });
        message.ack();
        return;
      }
      try {
        // The id given at queueing (the queue's own for a message queued before ids were), the same on every retry.
        await deliverMail(settings, env, message.body, { messageId: message.body.id ?? message.id, nowSeconds: Math.floor(Date.now() / 1000) });
        message.ack();
      } catch (error) {
        const delaySeconds = retryDelaySeconds(message.attempts);
        logEvent('warn', 'mail_delivery_failed', {
          message_id: message.id,
          attempts: message.attempts,
          retry_in_seconds: delaySeconds,
          reason: error instanceof Error ? error.message.slice(0, 200) : String(error),
          ...describe(message.body),
        });
        message.retry({ delaySeconds });
      }
    }),
  );
}
