// The whole story a client lives through: register, login, me, refresh, logout.
import { describe, expect, it } from 'vitest';
import { createTestClient, getMe, refreshCookieFrom, refreshWithCookie, signUpAndLogIn } from '../helpers/client';

describe('the login → me → refresh → logout story', () => {
  it('lets a new user sign in, use the API, refresh, and sign out for good', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);

    const me = await getMe(client, user.accessToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ user: { id: user.userId, email: user.email, email_verified: false, roles: [] }, session_id: user.sessionId });

    const refreshed = await refreshWithCookie(client, user.refreshToken);
    expect(refreshed.status).toBe(200);
    const successor = refreshCookieFrom(refreshed);
    expect(successor).toBeDefined();
    expect(successor).not.toBe(user.refreshToken);

    const logout = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${successor}` } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('Set-Cookie')).toMatch(/edge_auth_refresh=;.*Max-Age=0/);

    expect((await getMe(client, user.accessToken)).status).toBe(401);
    expect((await refreshWithCookie(client, successor ?? '')).status).toBe(401);
  });
});
