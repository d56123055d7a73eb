// GET /.well-known/jwks.json: every public key, cacheable for the runbook's max-age, with a strong ETag.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { JWKS_MAX_AGE_SECONDS } from '../../src/tokens/jwks-document';
import { createTestClient } from '../helpers/client';

const JWKS_PATH = '/.well-known/jwks.json';

describe('GET /.well-known/jwks.json', () => {
  it('publishes every configured key without private members, cacheable for JWKS_MAX_AGE_SECONDS', async () => {
    const response = await createTestClient().fetch(JWKS_PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe(`public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    const configured = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: { kid: string }[] }).keys;
    expect(keys.map((key) => key.kid)).toEqual(configured.map((key) => key.kid));
    for (const key of keys) {
      expect(key.use).toBe('sig');
      expect(key).not.toHaveProperty('d');
      expect(key).not.toHaveProperty('p');
    }
  });

  it('sends a strong ETag and answers a matching If-None-Match with an empty 304', async () => {
    const client = createTestClient();
    const first = await client.fetch(JWKS_PATH);
    const etag = first.headers.get('ETag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    for (const ifNoneMatch of [etag ?? '', `"other", ${etag}`, `W/${etag}`, '*']) {
      const revalidated = await client.fetch(JWKS_PATH, { headers: { 'If-None-Match': ifNoneMatch } });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.get('ETag')).toBe(etag);
      expect(revalidated.headers.get('Cache-Control')).toBe(`public, max-age=${JWKS_MAX_AGE_SECONDS}`);
      expect(await revalidated.text()).toBe('');
    }
  });

  it('answers a stale If-None-Match with the full set', async () => {
    const response = await createTestClient().fetch(JWKS_PATH, { headers: { 'If-None-Match': '"stale"' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  });

  it('changes the ETag when the key set changes', async () => {
    const configured = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: unknown[] }).keys;
    const all = await createTestClient().fetch(JWKS_PATH);
    const fewer = await createTestClient({ vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys: configured.slice(0, 1) }) } }).fetch(JWKS_PATH);
    expect(all.headers.get('ETag')).not.toBe(fewer.headers.get('ETag'));
    const stale = await createTestClient({ vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys: configured.slice(0, 1) }) } }).fetch(JWKS_PATH, {
      headers: { 'If-None-Match': all.headers.get('ETag') ?? '' },
    });
    expect(stale.status).toBe(200);
  });
});
