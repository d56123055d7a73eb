// POST /auth/refresh: rotation, channels, concurrency, the grace window and reuse detection.
import { describe, expect, it } from 'vitest';
import {
  createTestClient,
  getMe,
  logIn,
  refreshCookieFrom,
  refreshWithCookie,
  signUpAndLogIn,
} from '../helpers/client';
import { databaseForKey } from '../../src/storage/database';

/** SHA-256 hex computed here, independently of the service's own helper. */
async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
}

describe('POST /auth/refresh', () => {
  it('rotates the cookie token: a new access token, a new refresh cookie, and no refresh token in the body', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await refreshWithCookie(client, user.refreshToken);
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(900);
    expect(body.refresh_token).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(user.refreshToken);
    const successor = refreshCookieFrom(response);
    expect(successor).toMatch(/^[0-9a-z]{2}\.[A-Za-z0-9_-]{86}$/);
    expect(successor).not.toBe(user.refreshToken);
    expect(JSON.stringify(body)).not.toContain(successor);
    expect((await getMe(client, body.access_token)).status).toBe(200);
  });

  it('sets the __Host- cookie HttpOnly, Secure, SameSite from config, Path=/, no Domain and Max-Age of the remaining session', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.clock.advanceSeconds(1000);
    const response = await refreshWithCookie(client, user.refreshToken);
    const cookie = response.headers.get('Set-Cookie') ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/^__Host-edge_auth_refresh=/);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).toMatch(new RegExp(`; Max-Age=${2_592_000 - 1000}(;|$)`));
  });

  it('answers body-delivered tokens in the body and never sets a cookie', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client, { delivery: 'body' });
    const response = await client.postJson('/auth/refresh', { refresh_token: user.refreshToken });
    expect(response.status).toBe(200);
    expect(response.headers.get('Set-Cookie')).toBeNull();
    const body = (await response.json()) as TokenBody;
    expect(body.refresh_token).toMatch(/^[0-9a-z]{2}\./);
    expect(body.refresh_token).not.toBe(user.refreshToken);
  });

  it('refuses a token sent both in the cookie and in the body', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.postJson('/auth/refresh', { refresh_token: user.refreshToken }, { Cookie: `edge_auth_refresh=${user.refreshToken}` });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('answers 401 invalid_refresh_token and clears the cookie for an unknown or missing token', async () => {
    const client = createTestClient();
    for (const init of [{ headers: { Cookie: 'edge_auth_refresh=00.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }, {}]) {
      const response = await client.fetch('/auth/refresh', { method: 'POST', ...init });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_refresh_token');
      expect(response.headers.get('Set-Cookie')).toMatch(/edge_auth_refresh=;.*Max-Age=0/);
    }
  });

  it('refuses a refresh token once its session has expired', async () => {
    const client = createTestClient({ vars: { REFRESH_TOKEN_TTL_SECONDS: '3600' } });
    const user = await signUpAndLogIn(client);
    client.clock.advanceSeconds(3600);
    const response = await refreshWithCookie(client, user.refreshToken);
    expect(response.status).toBe(401);
  });

  it('never issues an access token that outlives its session', async () => {
    const client = createTestClient({ vars: { REFRESH_TOKEN_TTL_SECONDS: '1000' } });
    const user = await signUpAndLogIn(client);
    client.clock.advanceSeconds(900);
    const response = await refreshWithCookie(client, user.refreshToken);
    expect(((await response.json()) as TokenBody).expires_in).toBe(100);
  });

  it('gives N concurrent refreshes of one token the same single successor', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const responses = await Promise.all(Array.from({ length: 8 }, () => refreshWithCookie(client, user.refreshToken)));
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    const successors = new Set(responses.map(refreshCookieFrom));
    expect(successors.size).toBe(1);
    const [successor] = [...successors];
    const next = await refreshWithCookie(client, successor ?? '');
    expect(next.status).toBe(200);
    // The session row names one current token: the successor's successor.
    const row = await databaseForKey(client.env, user.sessionId).prepare('SELECT refresh_hash FROM sessions WHERE id = ?1').bind(user.sessionId).first<{ refresh_hash: string }>();
    expect(row?.refresh_hash).toBe(await sha256Hex(refreshCookieFrom(next) ?? ''));
  });

  it('answers a replay of the just-rotated token inside the grace window with the same successor', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const first = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken));
    client.clock.advanceSeconds(10);
    const replay = await refreshWithCookie(client, user.refreshToken);
    expect(replay.status).toBe(200);
    expect(refreshCookieFrom(replay)).toBe(first);
    const body = (await replay.json()) as TokenBody;
    expect((await getMe(client, body.access_token)).status).toBe(200);
  });

  it('revokes the whole session when a rotated refresh token is reused after the grace window', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const refreshed = await refreshWithCookie(client, user.refreshToken);
    const successor = refreshCookieFrom(refreshed) ?? '';
    const { access_token: liveAccessToken } = (await refreshed.json()) as TokenBody;
    client.clock.advanceSeconds(11);

    const reuse = await refreshWithCookie(client, user.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('Set-Cookie')).toMatch(/Max-Age=0/);
    // The thief's copy and the victim's current token are both dead, and so are access tokens.
    expect((await refreshWithCookie(client, successor)).status).toBe(401);
    expect((await getMe(client, liveAccessToken)).status).toBe(401);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
    const session = await databaseForKey(client.env, user.sessionId).prepare('SELECT revoked_reason FROM sessions WHERE id = ?1').bind(user.sessionId).first<{ revoked_reason: string }>();
    expect(session?.revoked_reason).toBe('refresh_token_reused');
  });

  it('treats a token two generations old as theft even inside the grace window', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const second = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    const third = refreshCookieFrom(await refreshWithCookie(client, second)) ?? '';
    const replayOfFirst = await refreshWithCookie(client, user.refreshToken);
    expect(replayOfFirst.status).toBe(401);
    expect((await refreshWithCookie(client, third)).status).toBe(401);
  });

  it('leaves the user’s other sessions alone when one session is revoked for reuse', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const other = await logIn(client, user.email, user.password);
    await refreshWithCookie(client, user.refreshToken);
    client.clock.advanceSeconds(60);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
    expect((await getMe(client, other.accessToken)).status).toBe(200);
    expect((await refreshWithCookie(client, other.refreshToken)).status).toBe(200);
  });

  it('stores only hashes: no refresh token appears in D1 in clear', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const successor = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    const { results } = await databaseForKey(client.env, user.sessionId).prepare('SELECT * FROM sessions WHERE id = ?1').bind(user.sessionId).all();
    const dump = JSON.stringify(results);
    expect(dump).not.toContain(user.refreshToken.slice(3));
    expect(dump).not.toContain(successor.slice(3));
    expect(results).toMatchObject([{ refresh_hash: await sha256Hex(successor), previous_hash: await sha256Hex(user.refreshToken) }]);
  });
});
