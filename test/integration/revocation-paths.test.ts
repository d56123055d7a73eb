// Every way a session ends stops both its refresh token and its access tokens at once, and leaves other sessions alone.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  createTestClient,
  getMe,
  logIn,
  probeSession,
  refreshCookieFrom,
  refreshWithCookie,
  sendWithBearer,
  signUpAndLogIn,
  type TestClient,
} from '../helpers/client';
import { databaseForKey } from '../../src/storage/database';

const DEAD = { accessStatus: 401, refreshStatus: 401 };
const ALIVE = { accessStatus: 200, refreshStatus: 200 };

async function userWithTwoSessions(client: TestClient) {
  const first = await signUpAndLogIn(client);
  const second = await logIn(client, first.email, first.password);
  return { first, second };
}

describe('revocation paths', () => {
  it('logout ends only the session it names', async () => {
    const client = createTestClient();
    const { first, second } = await userWithTwoSessions(client);
    const logout = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${first.refreshToken}` } });
    expect(logout.status).toBe(204);
    expect(await probeSession(client, first)).toEqual(DEAD);
    expect(await probeSession(client, second)).toEqual(ALIVE);
  });

  it('logout-all ends every session of the caller and no one else’s', async () => {
    const client = createTestClient();
    const { first, second } = await userWithTwoSessions(client);
    const stranger = await signUpAndLogIn(client);
    expect((await sendWithBearer(client, 'POST', '/auth/logout-all', second.accessToken)).status).toBe(204);
    expect(await probeSession(client, first)).toEqual(DEAD);
    expect(await probeSession(client, second)).toEqual(DEAD);
    expect(await probeSession(client, stranger)).toEqual(ALIVE);
  });

  it('DELETE /auth/sessions/:id ends that session and keeps the caller’s', async () => {
    const client = createTestClient();
    const { first, second } = await userWithTwoSessions(client);
    expect((await sendWithBearer(client, 'DELETE', `/auth/sessions/${second.sessionId}`, first.accessToken)).status).toBe(204);
    expect(await probeSession(client, second)).toEqual(DEAD);
    expect(await probeSession(client, first)).toEqual(ALIVE);
  });

  it('DELETE /auth/sessions/:id answers 404 for another user’s session and leaves it working', async () => {
    const client = createTestClient();
    const caller = await signUpAndLogIn(client);
    const victim = await signUpAndLogIn(client);
    const response = await sendWithBearer(client, 'DELETE', `/auth/sessions/${victim.sessionId}`, caller.accessToken);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
    expect(await probeSession(client, victim)).toEqual(ALIVE);
  });

  it('DELETE /auth/sessions/:id answers 404 for an id that does not exist or was already revoked', async () => {
    const client = createTestClient();
    const { first, second } = await userWithTwoSessions(client);
    expect((await sendWithBearer(client, 'DELETE', '/auth/sessions/00.nothing-here', first.accessToken)).status).toBe(404);
    expect((await sendWithBearer(client, 'DELETE', `/auth/sessions/${second.sessionId}`, first.accessToken)).status).toBe(204);
    expect((await sendWithBearer(client, 'DELETE', `/auth/sessions/${second.sessionId}`, first.accessToken)).status).toBe(404);
  });

  it('a password change ends every other session and keeps the current one', async () => {
    const client = createTestClient();
    const { first, second } = await userWithTwoSessions(client);
    const change = await sendWithBearer(client, 'POST', '/auth/password', first.accessToken, {
      current_password: first.password,
      new_password: 'a brand new passphrase',
    });
    expect(change.status).toBe(204);
    expect(await probeSession(client, second)).toEqual(DEAD);
    expect(await probeSession(client, first)).toEqual(ALIVE);
  });

  it('an admin revoke ends every session of the target user only', async () => {
    const client = createTestClient();
    const admin = await signUpAndLogIn(client);
    await databaseForKey(env, admin.userId).prepare(`UPDATE users SET roles = '["admin"]' WHERE id = ?1`).bind(admin.userId).run();
    const adminSession = await logIn(client, admin.email, admin.password);
    const { first, second } = await userWithTwoSessions(client);
    const bystander = await signUpAndLogIn(client);

    const response = await sendWithBearer(client, 'POST', `/admin/users/${first.userId}/revoke-sessions`, adminSession.accessToken);
    expect(response.status).toBe(204);
    expect(await probeSession(client, first)).toEqual(DEAD);
    expect(await probeSession(client, second)).toEqual(DEAD);
    expect(await probeSession(client, bystander)).toEqual(ALIVE);
    expect(await probeSession(client, adminSession)).toEqual(ALIVE);
  });

  it('reusing a rotated refresh token after the grace window ends that session only', async () => {
    const client = createTestClient();
    const { first, second } = await userWithTwoSessions(client);
    const stolen = first.refreshToken;
    const rotated = await refreshWithCookie(client, stolen);
    expect(rotated.status).toBe(200);
    const current = { accessToken: ((await rotated.json()) as { access_token: string }).access_token, refreshToken: refreshCookieFrom(rotated) ?? '' };
    client.clock.advanceSeconds(60);
    expect((await refreshWithCookie(client, stolen)).status).toBe(401);
    expect(await probeSession(client, current)).toEqual(DEAD);
    expect((await getMe(client, first.accessToken)).status).toBe(401);
    expect(await probeSession(client, second)).toEqual(ALIVE);
  });
});
