// Who may act on what: the admin role, the owner of a session, and which origins CORS answers; each refusal leaves D1 and KV untouched.
import { describe, expect, it } from 'vitest';
import { revocationKey } from '../../src/sessions/revocations';
import { createTestClient, getMe, probeSession, sendWithBearer, signUpAndLogIn, logIn, type TestClient } from '../helpers/client';
import { databaseForKey } from '../../src/storage/database';

async function sessionState(client: TestClient, sessionId: string): Promise<{ revokedAt: number | null; flag: string | null }> {
  const row = await databaseForKey(client.env, sessionId).prepare('SELECT revoked_at FROM sessions WHERE id = ?1').bind(sessionId).first<{ revoked_at: number | null }>();
  return { revokedAt: row?.revoked_at ?? null, flag: await client.env.KV.get(revocationKey(sessionId)) };
}

async function grantRoles(client: TestClient, userId: string, roles: string[]): Promise<void> {
  await databaseForKey(client.env, userId).prepare('UPDATE users SET roles = ?2 WHERE id = ?1').bind(userId, JSON.stringify(roles)).run();
}

describe('the admin role', () => {
  it.each([
    ['no role', []],
    ['other roles', ['support', 'auditor']],
    ['a role that only looks like admin', ['Admin', 'admins', ' admin']],
  ])('refuses a user with %s (403) and changes nothing of the target', async (_name, roles) => {
    const client = createTestClient();
    const caller = await signUpAndLogIn(client);
    await grantRoles(client, caller.userId, roles);
    const session = await logIn(client, caller.email, caller.password);
    const target = await signUpAndLogIn(client);

    const response = await sendWithBearer(client, 'POST', `/admin/users/${target.userId}/revoke-sessions`, session.accessToken);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(await sessionState(client, target.sessionId)).toEqual({ revokedAt: null, flag: null });
    expect((await getMe(client, target.accessToken)).status).toBe(200);
    const events = await databaseForKey(client.env, target.userId).prepare("SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1 AND type = 'admin_revoked'").bind(target.userId).first<{ n: number }>();
    expect(events?.n).toBe(0);
  });

  it('lets the same user through once the admin role is granted (the control)', async () => {
    const client = createTestClient();
    const caller = await signUpAndLogIn(client);
    await grantRoles(client, caller.userId, ['support', 'admin']);
    const session = await logIn(client, caller.email, caller.password);
    const target = await signUpAndLogIn(client);
    expect((await sendWithBearer(client, 'POST', `/admin/users/${target.userId}/revoke-sessions`, session.accessToken)).status).toBe(204);
    expect((await sessionState(client, target.sessionId)).revokedAt).not.toBeNull();
  });
});

describe('DELETE /auth/sessions/:id and the session’s owner', () => {
  it('refuses another user’s session with 404 and leaves it unrevoked in D1, unflagged in KV and working', async () => {
    const client = createTestClient();
    const attacker = await signUpAndLogIn(client);
    const victim = await signUpAndLogIn(client);
    const response = await sendWithBearer(client, 'DELETE', `/auth/sessions/${victim.sessionId}`, attacker.accessToken);
    expect(response.status).toBe(404);
    expect(await sessionState(client, victim.sessionId)).toEqual({ revokedAt: null, flag: null });
    expect(await probeSession(client, victim)).toEqual({ accessStatus: 200, refreshStatus: 200 });
    // The attacker's own session is untouched too.
    expect((await getMe(client, attacker.accessToken)).status).toBe(200);
  });

  it('does not tell another user’s session apart from one that does not exist', async () => {
    const client = createTestClient();
    const attacker = await signUpAndLogIn(client);
    const victim = await signUpAndLogIn(client);
    const someoneElses = await sendWithBearer(client, 'DELETE', `/auth/sessions/${victim.sessionId}`, attacker.accessToken);
    const missing = await sendWithBearer(client, 'DELETE', `/auth/sessions/00.${crypto.randomUUID()}`, attacker.accessToken);
    expect(someoneElses.status).toBe(missing.status);
    expect(await someoneElses.json()).toEqual(await missing.json());
  });
});

describe('CORS for an origin that is not allowed', () => {
  const ALLOWED = 'https://app.example.test';
  const FOREIGN = ['https://evil.example.test', 'https://app.example.test.evil.example', 'http://app.example.test', 'https://app.example.test:8443', 'null'];

  it.each(FOREIGN)('answers a preflight from %s with no Access-Control-Allow-* header', async (origin) => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const response = await client.fetch('/auth/me', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' } });
    const corsHeaders = [...response.headers.keys()].filter((name) => name.startsWith('access-control-allow'));
    expect(corsHeaders).toEqual([]);
  });

  it.each(FOREIGN)('lets no script at %s read an authenticated response', async (origin) => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/me', { headers: { Origin: origin, Authorization: `Bearer ${user.accessToken}` } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    expect(response.headers.get('Vary')).toContain('Origin');
  });

  it('does answer the allowed origin (the control)', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const response = await client.fetch('/auth/me', { method: 'OPTIONS', headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
  });
});
