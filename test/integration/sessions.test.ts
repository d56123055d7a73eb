// GET /auth/sessions, GET /auth/events, POST /auth/password, the admin route's guards, and their OpenAPI entries.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createTestClient, logIn, refreshCookieFrom, refreshWithCookie, sendWithBearer, signUpAndLogIn, uniqueIp } from '../helpers/client';
import { databaseForKey } from '../../src/storage/database';

interface ListedSession {
  id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
  country: string | null;
  current: boolean;
}

async function listSessions(client: ReturnType<typeof createTestClient>, accessToken: string): Promise<ListedSession[]> {
  const response = await sendWithBearer(client, 'GET', '/auth/sessions', accessToken);
  expect(response.status).toBe(200);
  return ((await response.json()) as { sessions: ListedSession[] }).sessions;
}

describe('GET /auth/sessions', () => {
  it('lists the caller’s live sessions with their client details and marks the current one', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const ip = uniqueIp();
    const second = await client.fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ip, 'User-Agent': 'PhoneApp/2.0' },
      body: JSON.stringify({ email: user.email, password: user.password }),
      cf: { country: 'NZ' },
    } as RequestInit);
    expect(second.status).toBe(200);

    const sessions = await listSessions(client, user.accessToken);
    expect(sessions).toHaveLength(2);
    const current = sessions.find((session) => session.id === user.sessionId);
    expect(current?.current).toBe(true);
    const phone = sessions.find((session) => session.id !== user.sessionId);
    expect(phone).toMatchObject({ current: false, user_agent: 'PhoneApp/2.0', ip, country: 'NZ' });
    for (const session of sessions) {
      expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.parse(session.created_at));
      expect(Object.keys(session).sort()).toEqual(['country', 'created_at', 'current', 'expires_at', 'id', 'ip', 'last_used_at', 'user_agent']);
    }
  });

  it('moves last_used_at on every refresh', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const before = (await listSessions(client, user.accessToken))[0]?.last_used_at;
    client.clock.advanceSeconds(120);
    const refreshed = await refreshWithCookie(client, user.refreshToken);
    expect(refreshed.status).toBe(200);
    const after = (await listSessions(client, user.accessToken))[0]?.last_used_at;
    expect(Date.parse(after ?? '') - Date.parse(before ?? '')).toBe(120_000);
  });

  it('leaves out revoked sessions and other users’ sessions', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const other = await logIn(client, user.email, user.password);
    await signUpAndLogIn(client);
    await sendWithBearer(client, 'DELETE', `/auth/sessions/${other.sessionId}`, user.accessToken);
    expect((await listSessions(client, user.accessToken)).map((session) => session.id)).toEqual([user.sessionId]);
  });

  it('needs a bearer token', async () => {
    const client = createTestClient();
    const response = await client.fetch('/auth/sessions');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
  });
});

describe('GET /auth/events', () => {
  it('returns the caller’s own events, newest first, with no secret in them; a routine refresh is no event, a replay in the grace window is', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const stranger = await signUpAndLogIn(client);
    client.clock.advanceSeconds(1);
    const refreshed = await refreshWithCookie(client, user.refreshToken);
    const replayed = await refreshWithCookie(client, user.refreshToken);
    expect(refreshCookieFrom(replayed)).toBe(refreshCookieFrom(refreshed));
    const { access_token: accessToken } = (await refreshed.json()) as { access_token: string };
    client.clock.advanceSeconds(1);
    await client.postJson('/auth/login', { email: user.email, password: 'not the password at all' });

    const response = await sendWithBearer(client, 'GET', '/auth/events', accessToken);
    expect(response.status).toBe(200);
    const text = await response.text();
    const { events } = JSON.parse(text) as { events: { type: string; session_id: string | null }[] };
    expect(events.map((event) => event.type)).toEqual(['login_failed', 'refresh_token_replayed', 'login_succeeded']);
    expect(events[1]?.session_id).toBe(user.sessionId);
    expect(text).not.toContain(stranger.sessionId);
    expect(text).not.toContain(user.refreshToken);
    expect(text).not.toContain(refreshCookieFrom(refreshed) ?? 'no successor');
    expect(text).not.toContain(user.password);
  });

  it('records logout-all, session deletion and password change', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const other = await logIn(client, user.email, user.password);
    await logIn(client, user.email, user.password);
    await sendWithBearer(client, 'DELETE', `/auth/sessions/${other.sessionId}`, user.accessToken);
    await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: user.password, new_password: 'quite another passphrase' });
    await sendWithBearer(client, 'POST', '/auth/logout-all', user.accessToken);
    const rows = await databaseForKey(env, user.userId).prepare('SELECT type FROM auth_events WHERE user_id = ?1 ORDER BY id').bind(user.userId).all<{ type: string }>();
    expect(rows.results.map((row) => row.type)).toEqual([
      'login_succeeded',
      'login_succeeded',
      'login_succeeded',
      'session_deleted',
      'password_changed',
      'logout_all',
    ]);
  });
});

describe('POST /auth/password', () => {
  it('lets the new password sign in and refuses the old one', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const newPassword = 'the replacement passphrase';
    expect((await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: user.password, new_password: newPassword })).status).toBe(204);
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(401);
    expect((await client.postJson('/auth/login', { email: user.email, password: newPassword })).status).toBe(200);
  });

  it('refuses a wrong current password with 401 and changes nothing', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const other = await logIn(client, user.email, user.password);
    const response = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: 'wrong wrong wrong', new_password: 'the replacement passphrase' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_credentials' });
    expect((await refreshWithCookie(client, other.refreshToken)).status).toBe(200);
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(200);
  });

  it('changes nothing when storage fails during the change (503, old password and sessions intact)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const other = await logIn(client, user.email, user.password);
    client.storage.injectFault({ target: 'd1', kind: 'throw', after: 1, times: 1 });
    const response = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: user.password, new_password: 'the replacement passphrase' });
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).not.toBeNull();
    client.storage.clearFaults();
    expect((await refreshWithCookie(client, other.refreshToken)).status).toBe(200);
    expect((await client.postJson('/auth/login', { email: user.email, password: user.password })).status).toBe(200);
  });

  it('refuses a weak new password with 400 weak_password and a missing field with 400 invalid_request', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const weak = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: user.password, new_password: 'password' });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ error: 'weak_password' });
    const missing = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: user.password });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('POST /admin/users/:id/revoke-sessions', () => {
  it('answers 403 insufficient_scope to a user without the admin role', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const target = await signUpAndLogIn(client);
    const response = await sendWithBearer(client, 'POST', `/admin/users/${target.userId}/revoke-sessions`, user.accessToken);
    expect(response.status).toBe(403);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer error="insufficient_scope"/);
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
    expect((await refreshWithCookie(client, target.refreshToken)).status).toBe(200);
  });

  it('answers 401 without a token and 404 for an unknown user', async () => {
    const client = createTestClient();
    expect((await client.fetch('/admin/users/00.someone/revoke-sessions', { method: 'POST' })).status).toBe(401);
    const admin = await signUpAndLogIn(client);
    await databaseForKey(env, admin.userId).prepare(`UPDATE users SET roles = '["admin"]' WHERE id = ?1`).bind(admin.userId).run();
    const session = await logIn(client, admin.email, admin.password);
    const response = await sendWithBearer(client, 'POST', '/admin/users/00.nobody-here/revoke-sessions', session.accessToken);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  it('reads the role from D1 into the token at login', async () => {
    const client = createTestClient();
    const admin = await signUpAndLogIn(client);
    await databaseForKey(env, admin.userId).prepare(`UPDATE users SET roles = '["admin"]' WHERE id = ?1`).bind(admin.userId).run();
    const session = await logIn(client, admin.email, admin.password);
    const me = (await (await sendWithBearer(client, 'GET', '/auth/me', session.accessToken)).json()) as { user: { roles: string[] } };
    expect(me.user.roles).toEqual(['admin']);
  });
});

describe('OpenAPI', () => {
  it('describes every session and admin route', async () => {
    const client = createTestClient();
    const document = (await (await client.fetch('/openapi.json')).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    // Served methods only: the path items also document 405s and the preflight (tag HTTP).
    const served = (path: string) =>
      Object.entries(document.paths[path] ?? {})
        .filter(([method, operation]) => method !== 'parameters' && !operation.tags?.includes('HTTP'))
        .map(([method]) => method);
    expect(served('/auth/sessions')).toEqual(['get']);
    expect(served('/auth/sessions/{id}')).toEqual(['delete']);
    expect(document.paths['/auth/logout-all']).toHaveProperty('post');
    expect(document.paths['/auth/password']).toHaveProperty('post');
    expect(document.paths['/auth/events']).toHaveProperty('get');
    expect(document.paths['/admin/users/{id}/revoke-sessions']).toHaveProperty('post');
  });
});
