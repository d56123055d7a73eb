// A test client whose mail queue records every message it is handed (and still forwards it to the real queue).

import { env } from 'cloudflare:workers';
import type { MailMessage } from '../../src/mail/messages';
import { createTestClient, type TestClient, type TestClientOptions } from './client';

/** What the app put on the mail queue, in order. */
export interface Mailbox {
  messages: MailMessage[];
  /** Messages sent to this address. */
  to(address: string): MailMessage[];
  /** The token of the newest link sent to this address (`#token=` part), or throws. */
  latestToken(address: string): string;
}

export interface MailTestClient extends TestClient {
  mailbox: Mailbox;
}

/** The token a link carries after `#token=`. */
export function tokenFromLink(link: string): string {
  const match = /#token=([^&]+)$/.exec(link);
  if (!match?.[1]) throw new Error(`no #token= in ${link}`);
  return match[1];
}

/** Wraps the real MAIL_QUEUE binding so tests can read what was queued. */
function recordingQueue(queue: Queue, messages: MailMessage[]): Queue {
  return {
    send: async (body: MailMessage, options?: QueueSendOptions) => {
      messages.push(body);
      await queue.send(body, options);
    },
    sendBatch: async (batch: Iterable<MessageSendRequest<MailMessage>>, options?: QueueSendBatchOptions) => {
      const requests = [...batch];
      messages.push(...requests.map((request) => request.body));
      await queue.sendBatch(requests, options);
    },
  } as unknown as Queue;
}

/** A test client (see createTestClient) with a recording mail queue. */
export function createMailTestClient(options: TestClientOptions = {}): MailTestClient {
  const messages: MailMessage[] = [];
  const client = createTestClient({ ...options, bindings: { ...options.bindings, MAIL_QUEUE: recordingQueue(env.MAIL_QUEUE, messages) } });
  const to = (address: string) => messages.filter((message) => message.to === address.trim().toLowerCase());
  const mailbox: Mailbox = {
    messages,
    to,
    latestToken: (address) => {
      const withLink = to(address).filter((message) => message.link !== null);
      const latest = withLink[withLink.length - 1];
      if (!latest?.link) throw new Error(`no link was sent to ${address}`);
      return tokenFromLink(latest.link);
    },
  };
  return { ...client, mailbox };
}
