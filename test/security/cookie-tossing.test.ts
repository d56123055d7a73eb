// Cookie tossing: a sibling host cannot plant a refresh cookie that blocks a logout or signs a victim into another account.
import { describe, expect, it } from 'vitest';
import { createTestClient, getMe, refreshCookieFrom, signUpAndLogIn, type TestClient } from '../helpers/client';
import { decodeToken } from '../helpers/forge';

const HOST_COOKIE = '__Host-edge_auth_refresh';
const OLD_COOKIE = 'edge_auth_refresh';

function refreshWith(client: TestClient, cookie: string): Promise<Response> {
  return client.fetch('/auth/refresh', { method: 'POST', headers: { Cookie: cookie } });
}

async function subjectOf(response: Response): Promise<string> {
  const { access_token: accessToken } = (await response.json()) as { access_token: string };
  return String(decodeToken(accessToken).payload.sub);
}

describe('the refresh cookie cannot be tossed', () => {
  it('is a __Host- cookie: Secure, Path=/ and no Domain', async () => {
    const client = createTestClient();
    const response = await client.postJson('/auth/login', { email: (await signUpAndLogIn(client)).email, password: 'a perfectly fine passphrase' });
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-edge_auth_refresh=[^;]+; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=\d+$/);
  });

  for (const name of [HOST_COOKIE, OLD_COOKIE]) {
    it(`refuses a refresh that carries two different ${name} cookies and rotates neither`, async () => {
      const client = createTestClient();
      const victim = await signUpAndLogIn(client);
      const attacker = await signUpAndLogIn(client);
      for (const order of [[victim, attacker], [attacker, victim]]) {
        const response = await refreshWith(client, order.map((user) => `${name}=${user.refreshToken}`).join('; '));
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ error: 'invalid_refresh_token' });
      }
      // Neither token was used: each still refreshes on its own (a "first cookie wins" refresh would have rotated one).
      for (const user of [victim, attacker]) {
        const alone = await refreshWith(client, `${HOST_COOKIE}=${user.refreshToken}`);
        expect(alone.status).toBe(200);
        expect(await subjectOf(alone)).toBe(user.userId);
      }
    });
  }

  it('keeps the victim in their own account when a sibling host tosses an old-name cookie next to the __Host- one', async () => {
    const client = createTestClient();
    const victim = await signUpAndLogIn(client);
    const attacker = await signUpAndLogIn(client);
    const tossed = `${OLD_COOKIE}=${attacker.refreshToken}`;
    const own = `${HOST_COOKIE}=${victim.refreshToken}`;
    const first = await refreshWith(client, `${tossed}; ${own}`);
    expect(first.status).toBe(200);
    expect(await subjectOf(first)).toBe(victim.userId);
    expect(first.headers.getSetCookie()).toContain(`${OLD_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=0`);
    const successor = refreshCookieFrom(first);
    const second = await refreshWith(client, `${HOST_COOKIE}=${successor}; ${tossed}`);
    expect(await subjectOf(second)).toBe(victim.userId);
  });
});

describe('POST /auth/logout with tossed cookies', () => {
  for (const name of [HOST_COOKIE, OLD_COOKIE]) {
    it(`ends the bearer token's session and clears the cookie even with two ${name} cookies`, async () => {
      const client = createTestClient();
      const victim = await signUpAndLogIn(client);
      const attacker = await signUpAndLogIn(client);
      const response = await client.fetch('/auth/logout', {
        method: 'POST',
        headers: { Authorization: `Bearer ${victim.accessToken}`, Cookie: `${name}=${attacker.refreshToken}; ${name}=${victim.refreshToken}` },
      });
      expect(response.status).toBe(204);
      expect(response.headers.getSetCookie()).toContain(`${HOST_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`);
      expect((await getMe(client, victim.accessToken)).status).toBe(401);
      expect((await refreshWith(client, `${HOST_COOKIE}=${victim.refreshToken}`)).status).toBe(401);
    });
  }
});

describe('moving browsers from the old cookie to the __Host- cookie', () => {
  it('accepts the old cookie for one refresh, rotates it into the __Host- cookie and clears the old one', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const migrated = await refreshWith(client, `${OLD_COOKIE}=${user.refreshToken}`);
    expect(migrated.status).toBe(200);
    const cookies = migrated.headers.getSetCookie();
    expect(cookies).toHaveLength(3);
    expect(cookies[0]).toMatch(/^__Host-edge_auth_refresh=[^;]+; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    // The sign-in state cookie comes with every refresh cookie (a browser signed in before it existed gets it here).
    expect(cookies[1]).toMatch(/^__Host-edge_auth_signin=[^;]+; HttpOnly; Secure; SameSite=Lax; Path=\/; Max-Age=\d+$/);
    expect(cookies[2]).toBe(`${OLD_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=0`);
    const successor = refreshCookieFrom(migrated);
    expect(successor).toBeDefined();
    expect(successor).not.toBe(user.refreshToken);
    // The browser now sends only the __Host- cookie; the session goes on.
    const next = await refreshWith(client, `${HOST_COOKIE}=${successor}`);
    expect(next.status).toBe(200);
    expect(next.headers.getSetCookie().filter((cookie) => cookie.startsWith(OLD_COOKIE))).toEqual([]);
  });

  it('clears the old cookie on logout too', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `${OLD_COOKIE}=${user.refreshToken}` } });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie()).toEqual([
      `${HOST_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0`,
      '__Host-edge_auth_signin=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0',
      `${OLD_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=0`,
    ]);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });
});
