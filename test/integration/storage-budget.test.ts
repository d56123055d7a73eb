// The storage budget of DESIGN.md, counted on the real D1 and KV bindings.
import { describe, expect, it } from 'vitest';
import { createTestClient, getMe, refreshWithCookie, signUpAndLogIn, uniqueEmail, DEFAULT_PASSWORD } from '../helpers/client';

describe('storage budget per operation', () => {
  it('a protected request makes 0 D1 round trips and at most 1 KV read', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBe(0);
    expect(client.storage.counts.kvReads).toBeLessThanOrEqual(1);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('a protected request inside the revocation cache time reads no KV at all', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    await getMe(client, user.accessToken);
    client.storage.resetCounts();
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 0, kvReads: 0, kvWrites: 0 });
  });

  it('a login makes at most 2 D1 round trips, writes at most 6 rows (at most 4 for the session, its index entries and the sign-in event, the rest the attempt claim) and no KV', async () => {
    const client = createTestClient();
    const email = uniqueEmail();
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    client.storage.resetCounts();
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2);
    expect(client.storage.rows.written).toBeLessThanOrEqual(6);
    const writes = client.storage.rows.writes;
    const claimRows = writes.filter((write) => /\blogin_failures\b/.test(write.sql)).reduce((sum, write) => sum + write.written, 0);
    // The claim is taken and settled: it writes, and is all of the budget beyond 4.
    expect(claimRows).toBeGreaterThan(0);
    expect(client.storage.rows.written - claimRows).toBeLessThanOrEqual(4);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('a failed login makes at most 2 D1 round trips and no KV write', async () => {
    const client = createTestClient();
    client.storage.resetCounts();
    expect((await client.postJson('/auth/login', { email: uniqueEmail(), password: 'wrong password here' })).status).toBe(401);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('a refresh makes 1 D1 round trip, writes at most 2 rows and makes no KV operation', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBe(1);
    expect(client.storage.rows.written).toBeLessThanOrEqual(2);
    expect(client.storage.counts.kvReads + client.storage.counts.kvWrites).toBe(0);
  });

  it('a grace-window replay makes 1 D1 round trip, writes only its event row, and makes no KV operation', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    await refreshWithCookie(client, user.refreshToken);
    client.storage.resetCounts();
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBe(1);
    expect(client.storage.rows.written).toBe(1);
    expect(client.storage.counts.kvReads + client.storage.counts.kvWrites).toBe(0);
  });

  it('a logout makes at most 2 D1 round trips and exactly 1 KV write', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    const response = await client.fetch('/auth/logout', {
      method: 'POST',
      headers: { Cookie: `edge_auth_refresh=${user.refreshToken}`, Authorization: `Bearer ${user.accessToken}` },
    });
    expect(response.status).toBe(204);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2);
    expect(client.storage.counts.kvWrites).toBe(1);
  });

  it('logging out an already logged-out session rewrites no KV flag (it reads it once)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client, { delivery: 'body' });
    expect((await client.postJson('/auth/logout', { refresh_token: user.refreshToken })).status).toBe(204);
    client.clock.advanceSeconds(5);
    client.storage.resetCounts();
    expect((await client.postJson('/auth/logout', { refresh_token: user.refreshToken })).status).toBe(204);
    expect(client.storage.counts).toMatchObject({ kvWrites: 0, kvReads: 1 });
    expect(client.storage.rows.written).toBe(0);
  });

  it('the JWKS makes no storage operation at all', async () => {
    const client = createTestClient();
    client.storage.resetCounts();
    expect((await client.fetch('/.well-known/jwks.json')).status).toBe(200);
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 0, kvReads: 0, kvWrites: 0 });
  });
});
