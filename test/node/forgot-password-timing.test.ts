// Forgot-password timing over real HTTP: an address with an account vs one without, medians printed, a generous bound asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../support/dev-server.mjs';

// Each address may get one link a minute, so every sample uses its own address.
const SAMPLES_PER_KIND = 60;
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function timeForgot(email: string): Promise<{ ms: number; status: number; body: string; headers: string[] }> {
  const started = performance.now();
  const response = await post('/auth/password/forgot', { email });
  const body = await response.text();
  const headers: string[] = [];
  response.headers.forEach((_, name) => {
    if (name !== 'date') headers.push(name);
  });
  headers.sort();
  return { ms: performance.now() - started, status: response.status, body, headers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

describe('forgot-password timing does not tell an address with an account from one without', () => {
  it(`answers alike, with no usable gap between the medians over ${SAMPLES_PER_KIND} requests each`, async () => {
    const run = Date.now();
    const known: string[] = [];
    for (let i = 0; i < SAMPLES_PER_KIND + 5; i++) {
      const email = `timing-known-${run}-${i}@example.test`;
      expect((await post('/auth/register', { email, password: 'a perfectly fine passphrase' })).status).toBe(201);
      known.push(email);
    }
    // Warm up both paths before measuring.
    for (let i = 0; i < 5; i++) {
      await timeForgot(known[SAMPLES_PER_KIND + i] ?? '');
      await timeForgot(`timing-warm-${run}-${i}@example.test`);
    }
    const withAccount: number[] = [];
    const withoutAccount: number[] = [];
    const answers = new Set<string>();
    for (let i = 0; i < SAMPLES_PER_KIND; i++) {
      const order = i % 2 === 0 ? ['known', 'unknown'] : ['unknown', 'known'];
      for (const kind of order) {
        const result = kind === 'known' ? await timeForgot(known[i] ?? '') : await timeForgot(`timing-nobody-${run}-${i}@example.test`);
        expect(result.status).toBe(202);
        answers.add(`${result.body} ${result.headers.join(',')}`);
        (kind === 'known' ? withAccount : withoutAccount).push(result.ms);
      }
    }
    expect(answers.size).toBe(1);
    const knownMedian = median(withAccount);
    const unknownMedian = median(withoutAccount);
    const gapMs = Math.abs(knownMedian - unknownMedian);
    console.log(
      `forgot-password timing over ${SAMPLES_PER_KIND} requests each: account median ${knownMedian.toFixed(2)} ms, ` +
        `no account median ${unknownMedian.toFixed(2)} ms, gap ${gapMs.toFixed(2)} ms`,
    );
    // Generous on purpose (a shared machine is noisy); a skipped D1 write or hash would show as a steady gap.
    expect(gapMs).toBeLessThan(Math.max(2, Math.max(knownMedian, unknownMedian) * 0.25));
  }, 180_000);
});
