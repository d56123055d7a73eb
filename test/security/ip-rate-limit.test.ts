// The per-IP limit on login, register and refresh: counted in D1 by CF-Connecting-IP, 429 with Retry-After.
import { describe, expect, it } from 'vitest';
import { ipRateLimitKey } from '../../src/middleware/ip-rate-limit';
import { createTestClient, createTestClock, signUpAndLogIn, uniqueEmail, uniqueIp, DEFAULT_PASSWORD } from '../helpers/client';

/** A clock 15 seconds into a minute, so a window boundary is predictable. */
function clockAtSecond15() {
  const now = Date.now();
  return createTestClock(now - (now % 60_000) + 15_000);
}

describe('per-IP rate limit', () => {
  it('answers login with 429 and Retry-After past the limit, then lets the next minute in', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '3' }, clock: clockAtSecond15() });
    const user = await signUpAndLogIn(client);
    const ip = uniqueIp();
    const login = () => client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': ip });
    for (let attempt = 0; attempt < 3; attempt++) expect((await login()).status).toBe(200);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('45');
    expect(await limited.json()).toMatchObject({ error: 'too_many_attempts' });
    client.clock.advanceSeconds(45);
    expect((await login()).status).toBe(200);
  });

  it('limits register before any password work', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '2' } });
    const ip = uniqueIp();
    const register = () => client.postJson('/auth/register', { email: uniqueEmail(), password: DEFAULT_PASSWORD }, { 'CF-Connecting-IP': ip });
    expect((await register()).status).toBe(201);
    expect((await register()).status).toBe(201);
    const limited = await register();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('limits refresh too', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '2' } });
    const user = await signUpAndLogIn(client, { delivery: 'body' });
    const ip = uniqueIp();
    let token = user.refreshToken;
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await client.postJson('/auth/refresh', { refresh_token: token }, { 'CF-Connecting-IP': ip });
      expect(response.status).toBe(200);
      token = ((await response.json()) as { refresh_token: string }).refresh_token;
    }
    const limited = await client.postJson('/auth/refresh', { refresh_token: token }, { 'CF-Connecting-IP': ip });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).not.toBeNull();
  });

  it('counts each address on its own', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '1' } });
    const user = await signUpAndLogIn(client);
    const loginFrom = (ip: string) => client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': ip });
    const busy = uniqueIp();
    expect((await loginFrom(busy)).status).toBe(200);
    expect((await loginFrom(busy)).status).toBe(429);
    expect((await loginFrom(uniqueIp())).status).toBe(200);
  });

  it('counts IPv6 addresses by their /64', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '1' } });
    const user = await signUpAndLogIn(client);
    const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:7`;
    const loginFrom = (ip: string) => client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': ip });
    expect((await loginFrom(`${prefix}::1`)).status).toBe(200);
    expect((await loginFrom(`${prefix}:abcd::2`)).status).toBe(429);
  });

  it('is off with IP_RATE_LIMIT_PER_MINUTE=0', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpAndLogIn(client);
    const ip = uniqueIp();
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': ip })).status).toBe(200);
    }
  });

  it('does not limit requests that carry no CF-Connecting-IP (only possible off Cloudflare)', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '1' } });
    const user = await signUpAndLogIn(client);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(200);
    }
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
});
