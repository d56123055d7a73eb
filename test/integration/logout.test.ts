// POST /auth/logout: revokes in D1, flags in KV, idempotent.
import { describe, expect, it } from 'vitest';
import { revocationKey } from '../../src/sessions/revocations';
import { createTestClient, getMe, logIn, refreshWithCookie, signUpAndLogIn } from '../helpers/client';

describe('POST /auth/logout', () => {
  it('ends the session named by the refresh cookie: refresh and access tokens stop working at once', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${user.refreshToken}` } });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await getMe(client, user.accessToken)).status).toBe(401);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
  });

  it('ends the session named by a bearer token alone', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${user.accessToken}` } });
    expect(response.status).toBe(204);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });

  it('ends a session named by a body-delivered refresh token', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client, { delivery: 'body' });
    expect((await client.postJson('/auth/logout', { refresh_token: user.refreshToken })).status).toBe(204);
    expect((await client.postJson('/auth/refresh', { refresh_token: user.refreshToken })).status).toBe(401);
  });

  it('raises a KV flag for the session that outlives every access token it issued', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${user.refreshToken}` } });
    const { metadata, value } = await client.env.KV.getWithMetadata(revocationKey(user.sessionId));
    expect(value).not.toBeNull();
    expect(metadata).toBeNull();
    const listed = await client.env.KV.list({ prefix: revocationKey(user.sessionId) });
    const expiration = listed.keys[0]?.expiration ?? 0;
    // 900 s access-token lifetime + 30 s skew, measured from real time (KV uses the real clock).
    expect(expiration - Math.floor(Date.now() / 1000)).toBeGreaterThanOrEqual(900);
  });

  it('answers 204 and clears the cookie when nothing valid is sent, and again when repeated', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const attempts: RequestInit[] = [{}, { headers: { Cookie: 'edge_auth_refresh=garbage' } }, { headers: { Authorization: 'Bearer nonsense' } }];
    for (const init of attempts) {
      const response = await client.fetch('/auth/logout', { method: 'POST', ...init });
      expect(response.status).toBe(204);
      expect(response.headers.get('Set-Cookie')).toMatch(/Max-Age=0/);
    }
    const cookie = { Cookie: `edge_auth_refresh=${user.refreshToken}` };
    expect((await client.fetch('/auth/logout', { method: 'POST', headers: cookie })).status).toBe(204);
    expect((await client.fetch('/auth/logout', { method: 'POST', headers: cookie })).status).toBe(204);
  });

  it('leaves the user’s other sessions signed in', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const other = await logIn(client, user.email, user.password);
    await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${user.refreshToken}` } });
    expect((await getMe(client, other.accessToken)).status).toBe(200);
    expect((await refreshWithCookie(client, other.refreshToken)).status).toBe(200);
  });

  it('cannot log out someone else’s session with a bearer token', async () => {
    const client = createTestClient();
    const alice = await signUpAndLogIn(client);
    const bob = await signUpAndLogIn(client);
    await client.fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${alice.accessToken}` } });
    expect((await getMe(client, bob.accessToken)).status).toBe(200);
  });
});
