// Brute-force protection per account: lockout with back-off, identical for unknown emails, never a lever on live sessions.
import { describe, expect, it } from 'vitest';
import { createTestClient, probeSession, sendWithBearer, signUpAndLogIn, uniqueEmail, uniqueIp, type TestClient } from '../helpers/client';
import { rowsOnEveryShard } from '../helpers/shards';

const WRONG = 'definitely not the password';

function login(client: TestClient, email: string, password: string, ip = uniqueIp()): Promise<Response> {
  return client.postJson('/auth/login', { email, password }, { 'CF-Connecting-IP': ip });
}

async function failTimes(client: TestClient, email: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < times; attempt++) statuses.push((await login(client, email, WRONG)).status);
  return statuses;
}

async function snapshot(response: Response): Promise<{ status: number; retryAfter: string | null; body: unknown; headerNames: string[] }> {
  return {
    status: response.status,
    retryAfter: response.headers.get('Retry-After'),
    body: await response.json(),
    headerNames: [...response.headers.keys()].sort(),
  };
}

describe('account lockout', () => {
  it('refuses the right password during the lockout and accepts it once the lockout is over', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '600' } });
    const user = await signUpAndLogIn(client);
    expect(await failTimes(client, user.email, 3)).toEqual([401, 401, 401]);

    const locked = await login(client, user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('Retry-After')).toBe('600');
    expect(await locked.json()).toMatchObject({ error: 'too_many_attempts' });

    client.clock.advanceSeconds(599);
    expect((await login(client, user.email, user.password)).status).toBe(429);
    client.clock.advanceSeconds(1);
    expect((await login(client, user.email, user.password)).status).toBe(200);
  });

  it('doubles the lockout each time it comes back, and a success resets the back-off', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCKOUT_SECONDS: '100' } });
    const user = await signUpAndLogIn(client);
    await failTimes(client, user.email, 2);
    expect((await login(client, user.email, user.password)).headers.get('Retry-After')).toBe('100');
    client.clock.advanceSeconds(100);
    await failTimes(client, user.email, 2);
    expect((await login(client, user.email, user.password)).headers.get('Retry-After')).toBe('200');
    client.clock.advanceSeconds(200);
    await failTimes(client, user.email, 2);
    expect((await login(client, user.email, user.password)).headers.get('Retry-After')).toBe('400');

    client.clock.advanceSeconds(400);
    expect((await login(client, user.email, user.password)).status).toBe(200);
    await failTimes(client, user.email, 2);
    expect((await login(client, user.email, user.password)).headers.get('Retry-After')).toBe('100');
  });

  it('never locks for longer than a day, however often it comes back', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '1', LOGIN_LOCKOUT_SECONDS: '3600' } });
    const user = await signUpAndLogIn(client);
    const seen: number[] = [];
    for (let lock = 0; lock < 7; lock++) {
      await failTimes(client, user.email, 1);
      const retryAfter = Number((await login(client, user.email, user.password)).headers.get('Retry-After'));
      seen.push(retryAfter);
      client.clock.advanceSeconds(retryAfter);
    }
    expect(seen).toEqual([3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400]);
  });

  it('a success resets the failure count', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '3' } });
    const user = await signUpAndLogIn(client);
    expect(await failTimes(client, user.email, 2)).toEqual([401, 401]);
    expect((await login(client, user.email, user.password)).status).toBe(200);
    expect(await failTimes(client, user.email, 2)).toEqual([401, 401]);
    expect((await login(client, user.email, user.password)).status).toBe(200);
  });

  it('attempts during a lockout do not extend it', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCKOUT_SECONDS: '300' } });
    const user = await signUpAndLogIn(client);
    await failTimes(client, user.email, 2);
    client.clock.advanceSeconds(200);
    expect(await failTimes(client, user.email, 5)).toEqual([429, 429, 429, 429, 429]);
    client.clock.advanceSeconds(100);
    expect((await login(client, user.email, user.password)).status).toBe(200);
  });

  it('answers a locked unknown email exactly like a locked real account', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCKOUT_SECONDS: '900' } });
    const user = await signUpAndLogIn(client);
    const nobody = uniqueEmail('nobody');
    await failTimes(client, user.email, 2);
    await failTimes(client, nobody, 2);
    const real = await snapshot(await login(client, user.email, user.password));
    const unknown = await snapshot(await login(client, nobody, user.password));
    expect(real.status).toBe(429);
    expect(unknown).toEqual(real);
  });

  it('keeps existing sessions working while the account is locked', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2' } });
    const user = await signUpAndLogIn(client);
    await failTimes(client, user.email, 2);
    expect((await login(client, user.email, user.password)).status).toBe(429);
    expect(await probeSession(client, user)).toEqual({ accessStatus: 200, refreshStatus: 200 });
  });

  it('counts the account whatever the letter case or spacing of the email', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2' } });
    const user = await signUpAndLogIn(client);
    await failTimes(client, user.email.toUpperCase(), 1);
    await failTimes(client, `  ${user.email}`, 1);
    expect((await login(client, user.email, user.password)).status).toBe(429);
  });

  it('records the failures and one lockout event, and stores neither the email nor the password', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2' } });
    const user = await signUpAndLogIn(client);
    await failTimes(client, user.email, 2);
    expect((await login(client, user.email, user.password)).status).toBe(429);
    client.clock.advanceSeconds(900);
    const fresh = await login(client, user.email, user.password);
    const { access_token: accessToken } = (await fresh.json()) as { access_token: string };
    const events = await sendWithBearer(client, 'GET', '/auth/events', accessToken);
    const types = ((await events.json()) as { events: { type: string }[] }).events.map((event) => event.type);
    expect(types.filter((type) => type === 'lockout')).toHaveLength(1);
    expect(types.filter((type) => type === 'login_failed')).toHaveLength(2);
    const stored = JSON.stringify(await rowsOnEveryShard('SELECT * FROM login_failures'));
    expect(stored).not.toContain(user.email);
    expect(stored).not.toContain(WRONG);
  });
});

describe('password change and the lockout', () => {
  it('counts wrong current passwords towards the lockout', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2' } });
    const user = await signUpAndLogIn(client);
    const change = (current: string) =>
      sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: current, new_password: 'another fine passphrase' });
    expect((await change(WRONG)).status).toBe(401);
    expect((await change(WRONG)).status).toBe(401);
    expect((await change(user.password)).status).toBe(429);
    expect((await login(client, user.email, user.password)).status).toBe(429);
  });
});
