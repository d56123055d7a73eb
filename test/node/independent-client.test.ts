// A client that knows only the HTTP contract (plain fetch, a hand-kept cookie) lives the whole story against `npm start`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../support/dev-server.mjs';

const COOKIE_NAME = '__Host-edge_auth_refresh';

/** The one cookie this client keeps, read from Set-Cookie by hand. */
function readRefreshCookie(response: Response): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const separator = pair.indexOf('=');
    if (pair.slice(0, separator).trim() === COOKIE_NAME) return pair.slice(separator + 1);
  }
  return undefined;
}

describe('an independent client that knows only the contract', () => {
  let server: DevServer;

  beforeAll(async () => {
    server = await startDevServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('registers, logs in with a cookie, reads /auth/me, refreshes, logs out, and is then refused', async () => {
    const json = { 'Content-Type': 'application/json' };
    const email = `independent-${crypto.randomUUID()}@example.test`;
    const password = 'an independent passphrase';

    const registered = await fetch(`${server.url}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ email, password }) });
    expect(registered.status).toBe(201);
    const { user } = (await registered.json()) as { user: { id: string; email: string } };
    expect(user.email).toBe(email);

    const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ email, password }) });
    expect(login.status).toBe(200);
    const loginBody = (await login.json()) as { access_token: string; token_type: string; expires_in: number; refresh_token?: string };
    expect(loginBody.token_type).toBe('Bearer');
    expect(loginBody.refresh_token).toBeUndefined();
    let cookie = readRefreshCookie(login);
    expect(cookie).toBeTruthy();

    const me = await fetch(`${server.url}/auth/me`, { headers: { Authorization: `Bearer ${loginBody.access_token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { id: string } }).user.id).toBe(user.id);

    const refreshed = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { Cookie: `${COOKIE_NAME}=${cookie}` } });
    expect(refreshed.status).toBe(200);
    const refreshedBody = (await refreshed.json()) as { access_token: string; refresh_token?: string };
    expect(refreshedBody.refresh_token).toBeUndefined();
    const successor = readRefreshCookie(refreshed);
    expect(successor).toBeTruthy();
    expect(successor).not.toBe(cookie);
    cookie = successor;

    const logout = await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: { Cookie: `${COOKIE_NAME}=${cookie}` } });
    expect(logout.status).toBe(204);
    expect(readRefreshCookie(logout)).toBe('');

    const afterLogout = await fetch(`${server.url}/auth/me`, { headers: { Authorization: `Bearer ${refreshedBody.access_token}` } });
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
    expect(((await afterLogout.json()) as { error: string }).error).toBe('invalid_token');
  });
});
