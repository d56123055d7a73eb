// Scheduled key rotation (KEY_ROTATION_DAYS): keys sealed at rest, published before they sign, retired after the longest token lifetime, race-safe.
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { CLOCK_SKEW_SECONDS } from '../../src/tokens/access';
import { openPrivateJwk, sealPrivateJwk } from '../../src/tokens/key-sealing';
import { KEY_SET_CACHE_SECONDS, PUBLISH_LEAD_SECONDS, rotateSigningKeysIfDue } from '../../src/tokens/key-rotation';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../../src/app';
import { BASE_URL, createTestClient, createTestClock, logIn, signUpAndLogIn, type TestClient } from '../helpers/client';
import { decodeToken } from '../helpers/forge';

const ROTATION_DAYS = 30;
const ACCESS_TOKEN_TTL_SECONDS = 900;

function rotationClient(): TestClient {
  // A distinct secret per test, so the per-isolate key cache of one test never serves another.
  const secret = `test-secret-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  return createTestClient({
    clock: createTestClock(Date.parse('2032-03-01T00:00:00Z')),
    vars: { KEY_ROTATION_DAYS: String(ROTATION_DAYS), KEY_ENCRYPTION_SECRET: secret, ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) },
  });
}

function nowSeconds(client: TestClient): number {
  return Math.floor(client.clock.now() / 1000);
}

function rotate(client: TestClient) {
  return rotateSigningKeysIfDue(client.env as unknown as Parameters<typeof rotateSigningKeysIfDue>[0], nowSeconds(client));
}

function kidOf(token: string): unknown {
  return decodeToken(token).header.kid;
}

async function publishedKids(client: TestClient): Promise<string[]> {
  const response = await client.fetch('/.well-known/jwks.json');
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}

beforeEach(async () => {
  await env.DB.exec('DELETE FROM signing_keys');
});

describe('scheduled key rotation', () => {
  it('publishes a new key at once, signs with it only after the publish lead, and retires the old one after the longest token lifetime', async () => {
    const client = rotationClient();
    const staticSigner = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: { kid: string }[] }).keys[0]?.kid;
    const user = await signUpAndLogIn(client);

    const first = await rotate(client);
    expect(first.created).toBeTruthy();
    expect(await publishedKids(client)).toContain(first.created);
    expect(kidOf((await logIn(client, user.email, user.password)).accessToken)).toBe(staticSigner);

    client.clock.advanceSeconds(PUBLISH_LEAD_SECONDS);
    const firstKeyToken = (await logIn(client, user.email, user.password)).accessToken;
    expect(kidOf(firstKeyToken)).toBe(first.created);
    expect((await client.fetch('/auth/me', { headers: { Authorization: `Bearer ${firstKeyToken}` } })).status).toBe(200);
    expect((await rotate(client)).created).toBeNull();

    client.clock.advanceSeconds(ROTATION_DAYS * 86_400 - PUBLISH_LEAD_SECONDS);
    const second = await rotate(client);
    expect(second.created).toBeTruthy();
    expect(await publishedKids(client)).toEqual(expect.arrayContaining([first.created, second.created]));
    const beforeSwitch = (await logIn(client, user.email, user.password)).accessToken;
    expect(kidOf(beforeSwitch)).toBe(first.created);

    client.clock.advanceSeconds(PUBLISH_LEAD_SECONDS);
    expect(kidOf((await logIn(client, user.email, user.password)).accessToken)).toBe(second.created);
    expect((await client.fetch('/auth/me', { headers: { Authorization: `Bearer ${beforeSwitch}` } })).status).toBe(200);
    expect((await rotate(client)).retired).toEqual([]);

    client.clock.advanceSeconds(ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS);
    expect((await rotate(client)).retired).toEqual([first.created]);
    client.clock.advanceSeconds(61);
    expect(await publishedKids(client)).not.toContain(first.created);
    expect(await publishedKids(client)).toContain(second.created);
  });

  it('keeps protected requests from waiting on D1 once an isolate has its keys: a stale key set is reread in the background', async () => {
    const client = rotationClient();
    const user = await signUpAndLogIn(client);
    await rotate(client);
    const me = () => client.fetch('/auth/me', { headers: { Authorization: `Bearer ${user.accessToken}` } });
    expect((await me()).status).toBe(200);
    client.clock.advanceSeconds(KEY_SET_CACHE_SECONDS + 1);
    // D1 hangs. The response must not wait for the reread (which gives up only after the storage timeout).
    client.storage.injectFault({ target: 'd1', kind: 'hang', times: 1 });
    const ctx = createExecutionContext();
    const request = new Request(`${BASE_URL}/auth/me`, { headers: { Authorization: `Bearer ${user.accessToken}` } });
    const answered = createApp({ now: client.clock.now }).fetch(request, client.env, ctx);
    const tooSlow = new Promise<'waited on D1'>((resolve) => setTimeout(() => resolve('waited on D1'), 1000));
    const first = await Promise.race([answered, tooSlow]);
    expect(first).not.toBe('waited on D1');
    expect((first as Response).status).toBe(200);
    await waitOnExecutionContext(ctx);
    // The hung reread gave up and kept the last good keys.
    expect((await me()).status).toBe(200);
  });

  it('stores private keys only sealed with AES-GCM', async () => {
    const client = rotationClient();
    const { created } = await rotate(client);
    const row = await env.DB.prepare('SELECT public_jwk, sealed_private_jwk FROM signing_keys WHERE kid = ?1').bind(created).first<{ public_jwk: string; sealed_private_jwk: string }>();
    expect(JSON.parse(row?.public_jwk ?? '{}')).not.toHaveProperty('d');
    expect(row?.sealed_private_jwk).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(row?.sealed_private_jwk).not.toContain('"d"');
    expect(atob((row?.sealed_private_jwk ?? '').replace(/-/g, '+').replace(/_/g, '/'))).not.toContain('"d"');
  });

  it('lets two isolates racing to rotate create only one key', async () => {
    const client = rotationClient();
    const results = await Promise.all([rotate(client), rotate(client), rotate(client)]);
    expect(results.filter((result) => result.created !== null)).toHaveLength(1);
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM signing_keys').first<{ n: number }>();
    expect(count?.n).toBe(1);
  });
});

describe('key sealing', () => {
  it('opens only with the same secret and kid', async () => {
    const secret = 'a'.repeat(40);
    const sealed = await sealPrivateJwk({ kty: 'OKP', d: 'secret-part' }, 'kid-1', secret);
    await expect(openPrivateJwk(sealed, 'kid-1', secret)).resolves.toEqual({ kty: 'OKP', d: 'secret-part' });
    await expect(openPrivateJwk(sealed, 'kid-1', 'b'.repeat(40))).rejects.toThrow();
    await expect(openPrivateJwk(sealed, 'kid-2', secret)).rejects.toThrow();
  });
});

describe('rotation configuration', () => {
  it('refuses KEY_ROTATION_DAYS without a long KEY_ENCRYPTION_SECRET, naming the variable', () => {
    const base = { JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS, KEY_ROTATION_DAYS: '30' };
    expect(() => parseConfig(base)).toThrow(/KEY_ENCRYPTION_SECRET/);
    expect(() => parseConfig({ ...base, KEY_ENCRYPTION_SECRET: 'short' })).toThrow(/KEY_ENCRYPTION_SECRET/);
    expect(() => parseConfig({ ...base, KEY_ROTATION_DAYS: '0', KEY_ENCRYPTION_SECRET: 'x'.repeat(40) })).toThrow(/KEY_ROTATION_DAYS/);
    expect(parseConfig({ ...base, KEY_ENCRYPTION_SECRET: 'x'.repeat(40) }).keyRotation).toEqual({ days: 30, encryptionSecret: 'x'.repeat(40) });
    expect(parseConfig({ JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS }).keyRotation).toBeUndefined();
  });
});
