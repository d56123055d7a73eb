// GET /health answers without storage; GET /health?deep=1 checks D1 and KV and says which failed.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createTestClient } from '../helpers/client';
import { allShardDatabases } from '../../src/storage/database';

describe('GET /health', () => {
  it('answers 200 {"ok":true} without touching D1 or KV', async () => {
    const client = createTestClient();
    const response = await client.fetch('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 0, kvReads: 0 });
  });

  it('with ?deep=1 runs one D1 query and one KV read and answers 200 when both work', async () => {
    const client = createTestClient();
    const response = await client.fetch('/health?deep=1');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, d1: 'ok', kv: 'ok' });
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: allShardDatabases(env).length, kvReads: 1, kvWrites: 0 });
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });

  it('with ?deep=1 answers 503 naming D1 when D1 fails, without internal error text', async () => {
    const client = createTestClient();
    client.storage.injectFault({ target: 'd1', kind: 'throw' });
    const response = await client.fetch('/health?deep=1');
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toMatch(/^\d+$/);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'service_unavailable', message: expect.any(String), ok: false, d1: 'failed', kv: 'ok' });
    expect(text).not.toContain('injected');
  });

  it('with ?deep=1 answers 503 naming KV when KV fails', async () => {
    const client = createTestClient();
    client.storage.injectFault({ target: 'kv-read', kind: 'throw' });
    const response = await client.fetch('/health?deep=1');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, d1: 'ok', kv: 'failed' });
  });
});
