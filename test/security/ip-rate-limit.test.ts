// The per-IP limit on sign-in routes (auth bucket) and mailing routes, register included (mail bucket): the Rate Limiting binding (Miniflare's), keyed by CF-Connecting-IP.
import { beforeEach, describe, expect, it } from 'vitest';
import { ipRateLimitKey } from '../../src/http/ip-rate-limit';
import { createTestClient, signUpAndLogIn, uniqueEmail, uniqueIp, DEFAULT_PASSWORD, type TestClient } from '../helpers/client';
import { databaseForEmail } from '../../src/storage/database';

/** The binding's limit in wrangler.toml ([[ratelimits]] simple.limit), equal to IP_RATE_LIMIT_PER_MINUTE. */
const LIMIT_PER_MINUTE = 60;
const JUNK_TOKEN = `00.${'A'.repeat(43)}`;

/**
 * Waits, if needed, until at least 15 s remain in the binding's current
 * one-minute window (its windows follow the wall clock), so a test's
 * requests all land in one window.
 */
async function awaitRoomInWindow(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
}

/** Spends `count` requests of `ip` on cheap refreshes of an unknown token; returns their statuses. */
async function spend(client: TestClient, ip: string, count: number): Promise<number[]> {
  const responses = await Promise.all(
    Array.from({ length: count }, () => client.postJson('/auth/refresh', { refresh_token: JUNK_TOKEN }, { 'CF-Connecting-IP': ip })),
  );
  return responses.map((response) => response.status);
}

describe('per-IP rate limit', { timeout: 60_000 }, () => {
  beforeEach(awaitRoomInWindow, 60_000);

  it('counts passkey sign-in options and passkey sign-ins under the same limit (429 too_many_attempts)', async () => {
    const client = createTestClient();
    const ip = uniqueIp();
    const options = await Promise.all(
      Array.from({ length: LIMIT_PER_MINUTE }, () => client.fetch('/auth/passkeys/login-options', { method: 'POST', headers: { 'CF-Connecting-IP': ip } })),
    );
    expect(options.map((response) => response.status)).toEqual(Array(LIMIT_PER_MINUTE).fill(200));
    expect((await client.fetch('/auth/passkeys/login-options', { method: 'POST', headers: { 'CF-Connecting-IP': ip } })).status).toBe(429);
    const login = await client.postJson('/auth/passkeys/login', {}, { 'CF-Connecting-IP': ip });
    expect(login.status).toBe(429);
    expect(await login.json()).toMatchObject({ error: 'too_many_attempts' });
  });

  it('lets the limit through, then answers login with 429 and Retry-After, counting login and refresh together', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const ip = uniqueIp();
    expect(await spend(client, ip, LIMIT_PER_MINUTE)).toEqual(Array(LIMIT_PER_MINUTE).fill(401));
    const limited = await client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': ip });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect(await limited.json()).toMatchObject({ error: 'too_many_attempts' });
  });

  it('counts register in the mail bucket: spent sign-in requests leave it open, spent forgot-password requests close it', async () => {
    const client = createTestClient();
    const ip = uniqueIp();
    await spend(client, ip, LIMIT_PER_MINUTE);
    expect((await client.postJson('/auth/register', { email: uniqueEmail(), password: DEFAULT_PASSWORD }, { 'CF-Connecting-IP': ip })).status).toBe(201);
    const mailIp = uniqueIp();
    const forgot = await Promise.all(
      Array.from({ length: LIMIT_PER_MINUTE }, () => client.postJson('/auth/password/forgot', { email: uniqueEmail() }, { 'CF-Connecting-IP': mailIp })),
    );
    expect(forgot.map((response) => response.status)).toEqual(Array(LIMIT_PER_MINUTE).fill(202));
    expect((await client.postJson('/auth/register', { email: uniqueEmail(), password: DEFAULT_PASSWORD }, { 'CF-Connecting-IP': mailIp })).status).toBe(429);
  });

  it('counts an IPv4-mapped IPv6 client in the bucket of its IPv4 address', async () => {
    const client = createTestClient();
    const ip = uniqueIp();
    expect(await spend(client, ip, LIMIT_PER_MINUTE)).toEqual(Array(LIMIT_PER_MINUTE).fill(401));
    expect((await spend(client, `::ffff:${ip}`, 1))[0]).toBe(429);
  });

  it('limits register before any password work: no account is made', async () => {
    const client = createTestClient();
    const ip = uniqueIp();
    await Promise.all(Array.from({ length: LIMIT_PER_MINUTE }, () => client.postJson('/auth/password/forgot', { email: uniqueEmail() }, { 'CF-Connecting-IP': ip })));
    const email = uniqueEmail();
    const limited = await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD }, { 'CF-Connecting-IP': ip });
    expect(limited.status).toBe(429);
    const row = await (await databaseForEmail(client.env, email)).prepare('SELECT id FROM users WHERE email = ?1').bind(email).first();
    expect(row).toBeNull();
  });

  it('limits refresh and logout too (a limited logout leaves the session alive, so a retry later can end it)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client, { delivery: 'body' });
    const ip = uniqueIp();
    await spend(client, ip, LIMIT_PER_MINUTE);
    expect((await client.postJson('/auth/refresh', { refresh_token: user.refreshToken }, { 'CF-Connecting-IP': ip })).status).toBe(429);
    expect((await client.postJson('/auth/logout', { refresh_token: user.refreshToken }, { 'CF-Connecting-IP': ip })).status).toBe(429);
    expect((await client.postJson('/auth/logout', { refresh_token: user.refreshToken }, { 'CF-Connecting-IP': uniqueIp() })).status).toBe(204);
  });

  it('counts each address on its own', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const busy = uniqueIp();
    await spend(client, busy, LIMIT_PER_MINUTE);
    expect(await spend(client, busy, 1)).toEqual([429]);
    const login = await client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': uniqueIp() });
    expect(login.status).toBe(200);
  });

  it('counts IPv6 addresses by their /64', async () => {
    const client = createTestClient();
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    await spend(client, `${prefix}::1`, LIMIT_PER_MINUTE);
    expect(await spend(client, `${prefix}:abcd::2`, 1)).toEqual([429]);
  });

  it('is off with IP_RATE_LIMIT_PER_MINUTE=0', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const statuses = await spend(client, uniqueIp(), LIMIT_PER_MINUTE + 10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(0);
  });

  it('does not limit requests that carry no CF-Connecting-IP (only possible off Cloudflare)', async () => {
    const client = createTestClient();
    const responses = await Promise.all(
      Array.from({ length: LIMIT_PER_MINUTE + 5 }, () => client.postJson('/auth/refresh', { refresh_token: JUNK_TOKEN })),
    );
    expect(responses.filter((response) => response.status === 429)).toHaveLength(0);
  });

  it('writes no D1 row and makes no KV call for the count', async () => {
    const client = createTestClient();
    client.storage.resetCounts();
    expect(await spend(client, uniqueIp(), 3)).toEqual([401, 401, 401]);
    expect(client.storage.rows.written).toBe(0);
    expect(client.storage.counts.kvReads + client.storage.counts.kvWrites).toBe(0);
  });
});

describe('ipRateLimitKey', () => {
  it('keeps IPv4 addresses whole', () => {
    expect(ipRateLimitKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('reduces IPv6 addresses to their /64, whatever their spelling', () => {
    expect(ipRateLimitKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ipRateLimitKey('2001:0DB8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(ipRateLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipRateLimitKey('::1')).toBe('0:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, however it is written', () => {
    expect(ipRateLimitKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipRateLimitKey('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(ipRateLimitKey('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipRateLimitKey('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
  });
});
