// Concurrent guesses cannot get past the lockout: every password check is claimed in D1 before it runs.
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../../src/app';
import type { Bindings } from '../../src/http/app-env';
import { BASE_URL, createTestClient, createTestClock, sendWithBearer, signUpAndLogIn, uniqueEmail, uniqueIp, type TestClient } from '../helpers/client';
import { databaseForEmail } from '../../src/storage/database';

const WRONG = 'definitely not the password';

// Counts PBKDF2 derivations in this isolate (the app runs in it): one per password check or hash.
let pbkdf2Runs = 0;
const realDeriveBits = crypto.subtle.deriveBits.bind(crypto.subtle);
beforeEach(() => {
  pbkdf2Runs = 0;
  crypto.subtle.deriveBits = ((...args: Parameters<SubtleCrypto['deriveBits']>) => {
    const [algorithm] = args;
    if ((typeof algorithm === 'string' ? algorithm : algorithm.name) === 'PBKDF2') pbkdf2Runs++;
    return realDeriveBits(...args);
  }) as SubtleCrypto['deriveBits'];
});
afterEach(() => {
  crypto.subtle.deriveBits = realDeriveBits;
});

function login(client: TestClient, email: string, password: string): Promise<Response> {
  return client.postJson('/auth/login', { email, password }, { 'CF-Connecting-IP': uniqueIp() });
}

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** The SQL of a prepared statement (workerd keeps it on the object), or ''. */
function sqlOf(statement: D1PreparedStatement): string {
  const sql = (statement as unknown as { statement?: unknown }).statement;
  return typeof sql === 'string' ? sql : '';
}

/**
 * A client over the real D1 whose first batch after `arm()` that opens a
 * session waits until `releaseAfter` batches that count a failure have
 * completed: a fixed order for a race.
 */
function gatedClient(vars: Record<string, string>, gate: { releaseAfter: number }) {
  let armed = false;
  let held = false;
  let completed = 0;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const db = new Proxy(env.DB, {
    get(target, property) {
      if (property !== 'batch') {
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (statements: D1PreparedStatement[]) => {
        if (armed && !held && statements.some((statement) => sqlOf(statement).includes('INSERT INTO sessions'))) {
          held = true;
          await released;
          return target.batch(statements);
        }
        const results = await target.batch(statements);
        const countsFailure = statements.some((statement) => /SET failures = failures \+ 1/.test(sqlOf(statement)));
        if (armed && countsFailure && ++completed >= gate.releaseAfter) release();
        return results;
      };
    },
  });
  const clock = createTestClock();
  const app = createApp({ now: clock.now });
  const testEnv = { ...env, ...vars, DB: db } as unknown as Bindings;
  const client = {
    clock,
    env: testEnv,
    async fetch(path: string, init?: RequestInit) {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request(new URL(path, BASE_URL), init), testEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
    postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
      return client.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
    },
  } as unknown as TestClient;
  return { client, arm: () => (armed = true) };
}

async function burst(count: number, send: (index: number) => Promise<Response>): Promise<number[]> {
  return Promise.all(Array.from({ length: count }, async (_, index) => (await send(index)).status));
}

describe('POST /auth/login under concurrent guesses', () => {
  it('checks at most LOGIN_MAX_FAILURES of 50 parallel wrong guesses and answers the rest 429', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '5', IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpAndLogIn(client);
    pbkdf2Runs = 0;
    const statuses = await burst(50, () => login(client, user.email, WRONG));
    const counts = tally(statuses);
    expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
    expect(counts[401] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts[429]).toBe(50 - (counts[401] ?? 0));
    expect(pbkdf2Runs).toBeLessThanOrEqual(5);
    expect((await login(client, user.email, user.password)).status).toBe(429);
  });

  it('never lets a correct password hidden in a burst of 50 through once the attempts are spent', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '5', IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpAndLogIn(client);
    pbkdf2Runs = 0;
    const statuses = await burst(50, (index) => login(client, user.email, index === 25 ? user.password : WRONG));
    const counts = tally(statuses);
    // Only claimed checks run: the right password wins only if it was one of the five.
    expect((counts[401] ?? 0) + (counts[200] ?? 0)).toBeLessThanOrEqual(5);
    expect(pbkdf2Runs).toBeLessThanOrEqual(5);
  });

  it('answers the right password 429 while checks in flight hold the last attempts', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '600' } });
    const user = await signUpAndLogIn(client);
    await login(client, user.email, WRONG);
    // Two more checks of this account are running elsewhere right now.
    await (await databaseForEmail(env, user.email)).prepare('UPDATE login_failures SET pending = 2, updated_at = ?1').bind(client.clock.now() / 1000).run();
    pbkdf2Runs = 0;
    const refused = await login(client, user.email, user.password);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('600');
    expect(pbkdf2Runs).toBe(0);
  });

  it('does not let a success inside a burst erase the failures the rest of the burst counted', async () => {
    // The success's closing batch is held until the three failures have settled,
    // so it lands last: exactly the interleaving that must not wipe the burst's failures.
    const gated = gatedClient({ LOGIN_MAX_FAILURES: '5', IP_RATE_LIMIT_PER_MINUTE: '0' }, { releaseAfter: 3 });
    const user = await signUpAndLogIn(gated.client);
    expect((await login(gated.client, user.email, WRONG)).status).toBe(401);
    gated.arm();

    expect(sqlOf(env.DB.prepare('SELECT 1'))).toBe('SELECT 1');
    const statuses = await burst(4, (index) => login(gated.client, user.email, index === 0 ? user.password : WRONG));
    expect(statuses).toEqual([200, 401, 401, 401]);

    // The success forgot the one failure before it; the burst's three still count: two more lock.
    expect((await login(gated.client, user.email, WRONG)).status).toBe(401);
    expect((await login(gated.client, user.email, WRONG)).status).toBe(401);
    expect((await login(gated.client, user.email, user.password)).status).toBe(429);
  });

  it('locks an unknown email under a burst exactly like a real account', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '5', IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpAndLogIn(client);
    const nobody = uniqueEmail('nobody');
    // The isolate makes its dummy hash on the first unknown email: not a check.
    await login(client, uniqueEmail('warm-up'), WRONG);
    pbkdf2Runs = 0;
    const real = tally(await burst(30, () => login(client, user.email, WRONG)));
    const unknown = tally(await burst(30, () => login(client, nobody, WRONG)));
    expect(unknown[401] ?? 0).toBeLessThanOrEqual(5);
    expect(real[401] ?? 0).toBeLessThanOrEqual(5);
    expect(pbkdf2Runs).toBeLessThanOrEqual(10);
    const lockedReal = await login(client, user.email, user.password);
    const lockedUnknown = await login(client, nobody, user.password);
    expect([lockedReal.status, lockedUnknown.status]).toEqual([429, 429]);
    expect(await lockedUnknown.json()).toEqual(await lockedReal.json());
  });
});

describe('POST /auth/password under concurrent guesses', () => {
  it('lets none of 20 parallel wrong current passwords through and checks at most LOGIN_MAX_FAILURES', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '5' } });
    const user = await signUpAndLogIn(client);
    pbkdf2Runs = 0;
    const statuses = await burst(20, (index) =>
      sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: `${WRONG} ${index}`, new_password: 'an attacker chosen passphrase' }),
    );
    const counts = tally(statuses);
    expect(counts[204]).toBeUndefined();
    expect(counts[401] ?? 0).toBeLessThanOrEqual(5);
    expect(counts[429]).toBe(20 - (counts[401] ?? 0));
    expect(pbkdf2Runs).toBeLessThanOrEqual(5);
    const right = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: user.password, new_password: 'an attacker chosen passphrase' });
    expect(right.status).toBe(429);
  });

  it('claims the check before hashing, so a burst with the right current password checks no more than the limit', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '5' } });
    const user = await signUpAndLogIn(client);
    pbkdf2Runs = 0;
    const statuses = await burst(20, (index) =>
      sendWithBearer(client, 'POST', '/auth/password', user.accessToken, {
        current_password: index === 10 ? user.password : `${WRONG} ${index}`,
        new_password: 'an attacker chosen passphrase',
      }),
    );
    const counts = tally(statuses);
    expect((counts[401] ?? 0) + (counts[204] ?? 0)).toBeLessThanOrEqual(5);
    // Checks plus, for a 204, the one hash of the new password.
    expect(pbkdf2Runs).toBeLessThanOrEqual(5 + (counts[204] ?? 0));
  });
});

describe('the attempt claim and the storage budget', () => {
  it('writes at most two D1 rows for a claim and its release after a success', async () => {
    const { claimCheckStatement, readClaimedCheck, settleSuccessfulCheckStatements } = await import('../../src/password/login-failures');
    const policy = { maxFailures: 5, lockoutSeconds: 900, maxLockoutSeconds: 86_400, memorySeconds: 86_400 };
    const emailHash = `budget-${crypto.randomUUID()}`;
    const now = Math.floor(Date.now() / 1000);
    for (const seededFailures of [null, 2]) {
      if (seededFailures !== null) {
        await env.DB.prepare('INSERT INTO login_failures (email_hash, failures, updated_at) VALUES (?1, ?2, ?3)').bind(emailHash, seededFailures, now).run();
      }
      const claimResult = await claimCheckStatement(env.DB, emailHash, now, policy).run();
      const claim = readClaimedCheck(claimResult);
      expect(claim).not.toBeNull();
      const settled = await env.DB.batch(settleSuccessfulCheckStatements(env.DB, emailHash, claim!, now));
      const written = claimResult.meta.rows_written + settled.reduce((sum, result) => sum + result.meta.rows_written, 0);
      expect(written).toBeLessThanOrEqual(2);
    }
  });
});
