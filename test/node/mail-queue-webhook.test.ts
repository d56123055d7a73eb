// The mail queue end to end in Miniflare: a real local webhook that fails N times, retries with back-off, a dead letter logged.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '../../scripts/lib/signing-keys.mjs';
import { bundleWorker, COMPATIBILITY_DATE, EDGE_AUTH_ISSUER } from '../support/edge-auth-miniflare';

const SECRET = 'a webhook secret of at least thirty-two characters';
const FAILURES_BEFORE_ACCEPTING = 2;
const MAX_RETRIES = 2;

interface Delivery {
  to: string;
  status: number;
  at: number;
  signatureValid: boolean;
  /** Whether the body alone (no id, no time) would verify: it must not, or a captured request could be replayed. */
  bodyOnlySignatureValid: boolean;
  messageId: string;
  timestamp: number;
  body: Record<string, unknown>;
}

const deliveries: Delivery[] = [];
const logLines: string[] = [];
const attemptsByRecipient = new Map<string, number>();
let webhook: Server;
let miniflare: Miniflare;

/** Fails the first N posts for each recipient ("always" recipients forever), then accepts. */
function startWebhook(): Promise<string> {
  webhook = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as Record<string, unknown>;
      const to = String(body.to);
      const attempt = (attemptsByRecipient.get(to) ?? 0) + 1;
      attemptsByRecipient.set(to, attempt);
      // What a receiver does (docs/operations.md): recompute the HMAC of "<id>.<timestamp>.<body>", check the time window.
      const messageId = String(request.headers['x-edge-auth-message-id']);
      const timestamp = Number(request.headers['x-edge-auth-timestamp']);
      const signature = request.headers['x-edge-auth-signature'];
      const expected = createHmac('sha256', SECRET).update(`${messageId}.${timestamp}.${raw}`).digest('hex');
      const inWindow = Math.abs(Date.now() / 1000 - timestamp) <= 300;
      const status = to.startsWith('always-fails') || attempt <= FAILURES_BEFORE_ACCEPTING ? 503 : 200;
      const bodyOnlySignatureValid = signature === createHmac('sha256', SECRET).update(raw).digest('hex');
      deliveries.push({ to, status, at: Date.now(), signatureValid: signature === expected && inWindow, bodyOnlySignatureValid, messageId, timestamp, body });
      response.writeHead(status).end();
    });
  });
  return new Promise((resolve) => webhook.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(webhook.address() as AddressInfo).port}/mail`)));
}

beforeAll(async () => {
  const webhookUrl = await startWebhook();
  const keys = { keys: [await generateSigningJwk('ES256')] };
  miniflare = new Miniflare(
    convertV4MiniflareOptions({
      handleStructuredLogs: (log: { message: string }) => logLines.push(log.message),
      workers: [
        {
          name: 'edge-auth',
          modules: true,
          script: await bundleWorker('src/index.ts'),
          compatibilityDate: COMPATIBILITY_DATE,
          d1Databases: ['DB'],
          kvNamespaces: ['KV'],
          queueProducers: { MAIL_QUEUE: { queueName: 'mail' } },
          queueConsumers: {
            mail: { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: MAX_RETRIES, deadLetterQueue: 'mail-dead' },
            'mail-dead': { maxBatchSize: 10, maxBatchTimeout: 1 },
          },
          bindings: {
            JWT_SIGNING_KEYS: JSON.stringify(keys),
            JWT_ISSUER: EDGE_AUTH_ISSUER,
            MAIL_TRANSPORT: 'webhook',
            MAIL_FROM: 'no-reply@auth.example.test',
            MAIL_WEBHOOK_URL: webhookUrl,
            MAIL_WEBHOOK_SECRET: SECRET,
            IP_RATE_LIMIT_PER_MINUTE: '0',
          },
        },
      ],
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  const db = await miniflare.getD1Database('DB', 'edge-auth');
  for (const migration of await readD1Migrations('./migrations')) await db.batch(migration.queries.map((query) => db.prepare(query)));
}, 60_000);

afterAll(async () => {
  await miniflare?.dispose();
  await new Promise((resolve) => webhook?.close(resolve));
});

async function register(email: string): Promise<number> {
  const worker = await miniflare.getWorker('edge-auth');
  const response = await worker.fetch(`${EDGE_AUTH_ISSUER}/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'a perfectly fine passphrase' }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('mail queue with the webhook transport', () => {
  it(`delivers after ${FAILURES_BEFORE_ACCEPTING} failures, each try signed, the register answer never waiting on it`, async () => {
    const email = `flaky-${Date.now()}@example.test`;
    expect(await register(email)).toBe(201);
    const answeredAt = Date.now();
    await waitFor(() => deliveries.some((delivery) => delivery.to === email && delivery.status === 200), 'the accepted delivery');
    const tries = deliveries.filter((delivery) => delivery.to === email);
    expect(tries.map((delivery) => delivery.status)).toEqual([503, 503, 200]);
    expect(tries.every((delivery) => delivery.signatureValid && !delivery.bodyOnlySignatureValid)).toBe(true);
    // One id through every retry (the receiver dedupes by it), a fresh timestamp on each try.
    expect(new Set(tries.map((delivery) => delivery.messageId)).size).toBe(1);
    expect(tries[0]?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(tries[2]?.timestamp).toBeGreaterThan(tries[0]?.timestamp ?? Infinity);
    expect(tries[2]?.body).toMatchObject({ from: 'no-reply@auth.example.test', kind: 'verify_email' });
    expect(String(tries[2]?.body.text)).toContain('/verify-email#token=');
    const retries = logLines.filter((line) => line.includes('"mail_delivery_failed"') && line.includes('"attempts":'));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    // The answer was sent long before the provider finally accepted (back-off between tries).
    expect(answeredAt).toBeLessThan(tries[2]?.at ?? 0);
    // src/mail/consumer.ts waits 2 s after the first failure and 4 s after the second.
    expect((tries[2]?.at ?? 0) - (tries[0]?.at ?? 0)).toBeGreaterThanOrEqual(5_500);
  }, 90_000);

  it('moves a message that keeps failing to the dead-letter queue and logs it once, without its link', async () => {
    const email = `always-fails-${Date.now()}@example.test`;
    expect(await register(email)).toBe(201);
    await waitFor(() => logLines.some((line) => line.includes('"mail_dead_letter"')), 'the dead-letter log line');
    expect(deliveries.filter((delivery) => delivery.to === email)).toHaveLength(MAX_RETRIES + 1);
    const dead = logLines.filter((line) => line.includes('"mail_dead_letter"'));
    expect(dead).toHaveLength(1);
    expect(dead[0]).toContain('"kind":"verify_email"');
    expect(dead[0]).not.toContain('#token=');
  }, 90_000);
});
