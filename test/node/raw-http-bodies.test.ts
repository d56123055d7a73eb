// Requests no Fetch client can send, written on a raw socket to edge-auth in Miniflare: a GET that streams a body.
import { connect } from 'node:net';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithEdgeAuth } from '../support/edge-auth-miniflare';

let miniflare: Miniflare;
let origin: URL;

beforeAll(async () => {
  miniflare = await startWithEdgeAuth([]);
  origin = await miniflare.ready;
});

afterAll(async () => {
  await miniflare?.dispose();
});

/** Sends `request` as written and resolves to the status and body of the answer. */
function sendRaw(request: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(origin.port), origin.hostname, () => socket.end(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), body: rest.join('\r\n\r\n') });
    });
  });
}

function chunkedGet(path: string, bodyBytes: number): string {
  const chunk = 'x'.repeat(bodyBytes);
  return `GET ${path} HTTP/1.1\r\nHost: auth.example.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${bodyBytes.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
}

describe('a GET that streams a body (workerd hands it to the app)', () => {
  it('is answered as the same GET without one, below and above the 16 KiB cap', async () => {
    for (const bytes of [5, 20 * 1024]) {
      const health = await sendRaw(chunkedGet('/health', bytes));
      expect(health.status).toBe(200);
      expect(health.body).toContain('"ok":true');
      expect((await sendRaw(chunkedGet('/auth/me', bytes))).status).toBe(401);
    }
  });
});
