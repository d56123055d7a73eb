// The mail queue consumer (each transport, retries with back-off, dead letters) and where console mail may go.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { retryDelaySeconds } from '../../src/mail/consumer';
import { signWebhookBody } from '../../src/mail/transports';
import { bytesToHex } from '../../src/core/encoding';
import { composeEmailChangeNotice, composeLinkMail, composeSecurityNotice, MAIL_TEMPLATES, type MailMessage } from '../../src/mail/messages';
import { DEFAULT_PASSWORD, uniqueEmail } from '../helpers/client';
import { captureLogs, type LogCapture } from '../helpers/log-capture';
import { createMailTestClient } from '../helpers/mailbox';

const LOCAL_URL = 'http://127.0.0.1:8787';
let logs: LogCapture | undefined;
afterEach(() => logs?.restore());

function sampleMessage(to = uniqueEmail('mail')): MailMessage {
  return composeLinkMail('password_reset', { to, link: `${LOCAL_URL}/reset-password#token=00.${'x'.repeat(43)}`, productName: 'Acme', ttlSeconds: 1800 });
}

async function consume(queue: string, messages: MailMessage[], vars: Record<string, unknown>, attempts = 1) {
  const batch = createMessageBatch(queue, messages.map((body, index) => ({ id: `m${index}`, timestamp: Date.now(), attempts, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...vars } as never);
  return getQueueResult(batch, ctx);
}

describe('webhook signature', () => {
  async function hmacHex(secret: string, text: string): Promise<string> {
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return bytesToHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text))));
  }

  it('signs "<message id>.<timestamp>.<body>", so neither a later time nor another id verifies with a captured signature', async () => {
    const secret = 's'.repeat(32);
    const body = '{"to":"a@b.cd"}';
    const signature = await signWebhookBody(secret, 'm-1', 1_700_000_000, body);
    expect(signature).toBe(await hmacHex(secret, `m-1.1700000000.${body}`));
    expect(signature).not.toBe(await hmacHex(secret, body));
    expect(await signWebhookBody(secret, 'm-1', 1_700_000_001, body)).not.toBe(signature);
    expect(await signWebhookBody(secret, 'm-2', 1_700_000_000, body)).not.toBe(signature);
  });
});

describe('mail queue consumer', () => {
  it('console: writes one mail_console line with to, subject, text and link, and acknowledges', async () => {
    logs = captureLogs();
    const message = sampleMessage();
    const result = await consume('edge-auth-mail', [message], { MAIL_TRANSPORT: 'console' });
    expect(result.explicitAcks).toEqual(['m0']);
    const lines = logs.records().filter((record) => record.event === 'mail_console');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ to: message.to, subject: message.subject, text: message.text, link: message.link });
  });

  it('console: every kind of message writes its template name on its line', async () => {
    logs = captureLogs();
    const to = uniqueEmail('templates');
    const link = `${LOCAL_URL}/verify-email#token=00.${'x'.repeat(43)}`;
    const messages = [
      ...(['verify_email', 'password_reset', 'email_change'] as const).map((kind) => composeLinkMail(kind, { to, link, productName: 'Acme', ttlSeconds: 60 })),
      composeEmailChangeNotice({ to, newEmail: uniqueEmail('new'), productName: 'Acme' }),
      composeSecurityNotice({ to, change: 'password_changed', detail: undefined, productName: 'Acme', at: 0, client: { ip: null, userAgent: null, country: null }, resetPage: `${LOCAL_URL}/reset-password` }),
    ];
    await consume('edge-auth-mail', messages, { MAIL_TRANSPORT: 'console' });
    const templates = logs.records().filter((record) => record.event === 'mail_console').map((record) => record.template);
    expect(templates).toEqual(['verify_email', 'reset_password', 'change_email', 'email_changed_notice', 'security_notice']);
    expect(new Set(templates)).toEqual(new Set(Object.values(MAIL_TEMPLATES)));
  });

  it('cloudflare: hands the message to the EMAIL binding with the product name as sender name', async () => {
    const sent: unknown[] = [];
    const email = { send: async (builder: unknown) => (sent.push(builder), env.EMAIL.send(builder as never)) };
    const message = sampleMessage();
    const result = await consume('edge-auth-mail', [message], { MAIL_TRANSPORT: 'cloudflare', MAIL_FROM: 'no-reply@auth.example.test', PRODUCT_NAME: 'Acme', EMAIL: email });
    expect(result.explicitAcks).toEqual(['m0']);
    expect(sent).toEqual([{ from: { name: 'Acme', email: 'no-reply@auth.example.test' }, to: message.to, subject: message.subject, text: message.text, html: message.html }]);
  });

  it('retries a failed delivery with growing back-off and keeps the link out of the log', async () => {
    logs = captureLogs();
    const vars = { MAIL_TRANSPORT: 'webhook', MAIL_FROM: 'no-reply@auth.example.test', MAIL_WEBHOOK_URL: 'http://127.0.0.1:9/unreachable', MAIL_WEBHOOK_SECRET: 's'.repeat(32) };
    const first = await consume('edge-auth-mail', [sampleMessage()], vars, 1);
    const third = await consume('edge-auth-mail', [sampleMessage()], vars, 3);
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages).toEqual([{ msgId: 'm0' }]);
    expect(third.retryMessages).toEqual([{ msgId: 'm0' }]);
    expect(logs.lines().join('\n')).not.toContain('#token=');
    const failures = logs.records().filter((record) => record.event === 'mail_delivery_failed');
    expect(failures.map((record) => record.retry_in_seconds)).toEqual([retryDelaySeconds(1), retryDelaySeconds(3)]);
    expect([retryDelaySeconds(1), retryDelaySeconds(2), retryDelaySeconds(3), retryDelaySeconds(30)]).toEqual([2, 4, 8, 600]);
  });

  it('logs each dead letter once (never its link) and acknowledges it', async () => {
    logs = captureLogs();
    const result = await consume('edge-auth-mail-dead', [sampleMessage(), sampleMessage()], {}, 6);
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm1']);
    const dead = logs.records().filter((record) => record.event === 'mail_dead_letter');
    expect(dead).toHaveLength(2);
    expect(dead[0]).toMatchObject({ level: 'error', kind: 'password_reset', attempts: 6 });
    expect(logs.lines().join('\n')).not.toContain('#token=');
  });
});

describe('MAIL_TRANSPORT=console', () => {
  it('answers 500 server_misconfigured where it would send once deployed, for every address alike', async () => {
    const client = createMailTestClient({ vars: { MAIL_TRANSPORT: 'console' } });
    for (const [path, body] of [
      ['/auth/password/forgot', { email: uniqueEmail('deployed') }],
      ['/auth/register', { email: uniqueEmail('deployed'), password: DEFAULT_PASSWORD }],
    ] as const) {
      const response = await client.postJson(path, body);
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: string }).error).toBe('server_misconfigured');
    }
    expect(client.mailbox.messages).toHaveLength(0);
  });

  it('sends while the worker runs locally (a loopback host)', async () => {
    const client = createMailTestClient({ vars: { MAIL_TRANSPORT: 'console' } });
    const email = uniqueEmail('local');
    const response = await client.postJson(`${LOCAL_URL}/auth/register`, { email, password: DEFAULT_PASSWORD });
    expect(response.status).toBe(201);
    expect(client.mailbox.to(email)[0]?.link).toMatch(/^http:\/\/127\.0\.0\.1:8787\/verify-email#token=/);
  });
});
