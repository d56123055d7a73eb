// The storage budget still holds with brute-force protection and events: counted on the real bindings.
import { describe, expect, it } from 'vitest';
import { createTestClient, logIn, refreshWithCookie, sendWithBearer, signUpAndLogIn, uniqueIp } from '../helpers/client';

describe('storage budget with lockout, rate limit and events', () => {
  it('a successful login costs two D1 round trips and no KV write', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    const response = await client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': uniqueIp() });
    expect(response.status).toBe(200);
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 2, kvWrites: 0, kvReads: 0 });
  });

  it('a failed login costs two D1 round trips and no KV operation', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    const response = await client.postJson('/auth/login', { email: user.email, password: 'a wrong passphrase' }, { 'CF-Connecting-IP': uniqueIp() });
    expect(response.status).toBe(401);
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 2, kvWrites: 0, kvReads: 0 });
  });

  it('a login to a locked account costs one D1 round trip', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '1' } });
    const user = await signUpAndLogIn(client);
    await client.postJson('/auth/login', { email: user.email, password: 'a wrong passphrase' });
    client.storage.resetCounts();
    const response = await client.postJson('/auth/login', { email: user.email, password: user.password }, { 'CF-Connecting-IP': uniqueIp() });
    expect(response.status).toBe(429);
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 1, kvWrites: 0, kvReads: 0 });
  });

  it('a refresh costs one D1 round trip, one row written and no KV operation', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    const response = await refreshWithCookie(client, user.refreshToken, { 'CF-Connecting-IP': uniqueIp() });
    expect(response.status).toBe(200);
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 1, kvReads: 0, kvWrites: 0 });
    expect(client.storage.rows.written).toBe(1);
  });

  it('revoking N sessions costs one D1 batch and N KV writes', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    await logIn(client, user.email, user.password);
    await logIn(client, user.email, user.password);
    client.storage.resetCounts();
    expect((await sendWithBearer(client, 'POST', '/auth/logout-all', user.accessToken)).status).toBe(204);
    expect(client.storage.counts).toMatchObject({ d1RoundTrips: 1, kvWrites: 3, kvReads: 1 });
  });

});
