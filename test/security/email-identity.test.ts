// One address, one account: full case folding (final sigma, ß/SS), and no compatibility look-alikes in the local part.
import { describe, expect, it } from 'vitest';
import { hashEmailForThrottle } from '../../src/password/throttle';
import { normalizeEmail } from '../../src/core/email';
import { createTestClient, DEFAULT_PASSWORD, uniqueIp } from '../helpers/client';

const tag = () => crypto.randomUUID().slice(0, 8);

describe('emails under Unicode full case folding', () => {
  it.each([
    ['a final sigma and a capital sigma', (local: string) => `${local}-x\u03C3@example.test`, (local: string) => `${local.toUpperCase()}-X\u03A3@EXAMPLE.TEST`],
    ['a final sigma written as such', (local: string) => `${local}-x\u03C2@example.test`, (local: string) => `${local}-x\u03C3@example.test`],
    ['ß and SS', (local: string) => `stra\u00DFe-${local}@example.test`, (local: string) => `STRASSE-${local}@example.test`],
    ['capital ẞ and ss', (local: string) => `stra\u1E9Ee-${local}@example.test`, (local: string) => `strasse-${local}@example.test`],
  ])('makes %s one account (409 on the second)', async (_name, first, second) => {
    const client = createTestClient();
    const local = tag();
    expect((await client.postJson('/auth/register', { email: first(local), password: DEFAULT_PASSWORD })).status).toBe(201);
    const again = await client.postJson('/auth/register', { email: second(local), password: DEFAULT_PASSWORD });
    expect(again.status).toBe(409);
    const login = await client.postJson('/auth/login', { email: second(local), password: DEFAULT_PASSWORD });
    expect(login.status).toBe(200);
  });

  it('refuses a local part that NFKC would change, so no look-alike of another address can be registered', async () => {
    const client = createTestClient();
    for (const email of ['\uFF4A\uFF4F\uFF48\uFF4E@example.test', 'o\uFB00ice@example.test', '\u24D9ohn@example.test']) {
      const response = await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('maps a fullwidth domain to its plain form (IDNA treats them as one name)', async () => {
    const client = createTestClient();
    const local = tag();
    expect((await client.postJson('/auth/register', { email: `dom-${local}@example.test`, password: DEFAULT_PASSWORD })).status).toBe(201);
    expect((await client.postJson('/auth/register', { email: `dom-${local}@\uFF45xample.test`, password: DEFAULT_PASSWORD })).status).toBe(409);
  });

  it('counts failures of every spelling of an address towards one lockout (the throttle key uses the folded address)', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2' } });
    const local = tag();
    const email = `stra\u00DFe-${local}@example.test`;
    expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
    await client.postJson('/auth/login', { email: `STRASSE-${local}@example.test`, password: 'wrong wrong wrong' }, { 'CF-Connecting-IP': uniqueIp() });
    await client.postJson('/auth/login', { email: `strasse-${local}@example.test`, password: 'wrong wrong wrong' }, { 'CF-Connecting-IP': uniqueIp() });
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD }, { 'CF-Connecting-IP': uniqueIp() })).status).toBe(429);
    expect(await hashEmailForThrottle(normalizeEmail(email)!)).toBe(await hashEmailForThrottle(normalizeEmail(`STRASSE-${local}@EXAMPLE.TEST`)!));
  });
});
