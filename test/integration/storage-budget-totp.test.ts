// The storage budget of a sign-in with TOTP on, counted on the real D1 and KV bindings: the password step stays within login's budget.
import { describe, expect, it } from 'vitest';
import { createTestClient, signUpVerified } from '../helpers/client';
import { codeAt, enableTotp, mfaStep, passwordStep } from '../helpers/totp';

describe('storage budget of a sign-in with TOTP', () => {
  it('the password step (403 mfa_required) makes at most 2 D1 round trips, writes at most 6 rows, no session and no KV', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await enableTotp(client, user);
    client.storage.resetCounts();
    await passwordStep(client, user.email, user.password);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2);
    expect(client.storage.rows.written).toBeLessThanOrEqual(6);
    expect(client.storage.rows.writes.filter((write) => /\bsessions\b/.test(write.sql))).toEqual([]);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('the code step makes at most 4 D1 round trips (token, claim, code, session) and no KV writes', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const totp = await enableTotp(client, user);
    const token = await passwordStep(client, user.email, user.password);
    client.storage.resetCounts();
    expect((await mfaStep(client, token, { code: await codeAt(client, totp.secret) })).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(4);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('a password login without TOTP still reads whether TOTP is on in its first round trip (2 in all)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    client.storage.resetCounts();
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2);
  });
});
