// The three ways a composed message leaves: a console log line, the Email Sending binding, or a signed webhook.

import type { AccountSettings } from '../core/config';
import { bytesToHex, utf8 } from '../core/encoding';
import { templateOf, type MailMessage } from './messages';

/** The bindings transports use. */
export interface MailBindings {
  EMAIL?: SendEmail;
}

/** A provider answered with a failure; the queue retries the message. */
export class MailDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** The header a webhook receiver checks: hex HMAC-SHA256 of `<message id>.<timestamp>.<body>` under MAIL_WEBHOOK_SECRET. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Edge-Auth-Signature';
/** Seconds since the epoch when this try was sent; a receiver refuses one outside its window (5 minutes, say). */
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Edge-Auth-Timestamp';
/** The message's id, the same on every retry; a receiver delivers each id once. */
export const WEBHOOK_MESSAGE_ID_HEADER = 'X-Edge-Auth-Message-Id';

/**
 * Hex HMAC-SHA256 under `secret` of `<messageId>.<timestampSeconds>.<body>`:
 * what a webhook receiver recomputes to trust a message. The id and the
 * time are inside what is signed, so a captured request replayed later is
 * refused by the time window, and inside it by the id.
 */
export async function signWebhookBody(secret: string, messageId: string, timestampSeconds: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(`${messageId}.${timestampSeconds}.${body}`))));
}

/**
 * Sends one message with the configured transport. Throws on a provider
 * failure so the queue retries it with back-off.
 */
export async function deliverMail(settings: AccountSettings, bindings: MailBindings, message: MailMessage, delivery: { messageId: string; nowSeconds: number }): Promise<void> {
  if (settings.mailTransport === 'console') {
    // The one log line that carries a link: only ever written by a local worker (see assertMailCanLeave).
    console.log(JSON.stringify({ level: 'info', event: 'mail_console', template: templateOf(message), to: message.to, subject: message.subject, text: message.text, link: message.link }));
    return;
  }
  const from = settings.mailFrom ?? '';
  if (settings.mailTransport === 'cloudflare') {
    if (!bindings.EMAIL) throw new MailDeliveryError('the EMAIL binding is missing');
    await bindings.EMAIL.send({ from: { name: settings.productName, email: from }, to: message.to, subject: message.subject, text: message.text, html: message.html });
    return;
  }
  const webhook = settings.mailWebhook;
  if (!webhook) throw new MailDeliveryError('MAIL_WEBHOOK_URL is not configured');
  const body = JSON.stringify({ from, from_name: settings.productName, to: message.to, subject: message.subject, text: message.text, html: message.html, kind: message.kind, template: templateOf(message) });
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      [WEBHOOK_MESSAGE_ID_HEADER]: delivery.messageId,
      [WEBHOOK_TIMESTAMP_HEADER]: String(delivery.nowSeconds),
      [WEBHOOK_SIGNATURE_HEADER]: await signWebhookBody(webhook.secret, delivery.messageId, delivery.nowSeconds, body),
    },
    body,
  });
  await response.body?.cancel();
  if (!response.ok) throw new MailDeliveryError(`webhook answered ${response.status}`);
}
