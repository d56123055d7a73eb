// Logs carry ids and reasons, never a password, token or cookie value: a whole
// story runs with the console captured, then the captured text is searched.
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../helpers/log-capture';
import { createTestClient, getMe, logIn, refreshCookieFrom, refreshWithCookie, uniqueEmail } from '../helpers/client';

let capture: LogCapture | undefined;
afterEach(() => capture?.restore());

function authRecords(capture: LogCapture): Record<string, unknown>[] {
  return capture.records().filter((record) => record.category === 'auth');
}

describe('structured auth logs', () => {
  it('never contain a password, access token, refresh token or cookie value across a whole story', async () => {
    const client = createTestClient();
    capture = captureLogs();
    const email = uniqueEmail('secrecy');
    const password = 'log-secrecy passphrase 8d1f';
    const wrongPassword = 'wrong-secret guess 77ab';
    const secrets: string[] = [password, wrongPassword];

    expect((await client.postJson('/auth/register', { email, password })).status).toBe(201);
    const cookieSession = await logIn(client, email, password, 'cookie');
    const bodySession = await logIn(client, email, password, 'body');
    secrets.push(cookieSession.accessToken, cookieSession.refreshToken, bodySession.accessToken, bodySession.refreshToken);

    const refreshedByCookie = await refreshWithCookie(client, cookieSession.refreshToken);
    expect(refreshedByCookie.status).toBe(200);
    const cookieSuccessor = refreshCookieFrom(refreshedByCookie) ?? '';
    const refreshedByBody = await client.postJson('/auth/refresh', { refresh_token: bodySession.refreshToken });
    expect(refreshedByBody.status).toBe(200);
    const bodyTokens = (await refreshedByBody.json()) as { access_token: string; refresh_token: string };
    secrets.push(cookieSuccessor, bodyTokens.access_token, bodyTokens.refresh_token, ((await refreshedByCookie.json()) as { access_token: string }).access_token);

    expect((await client.postJson('/auth/login', { email, password: wrongPassword })).status).toBe(401);
    const [header = '', payload = '', signature = ''] = cookieSession.accessToken.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    secrets.push(forged);
    expect((await getMe(client, forged)).status).toBe(401);
    expect((await getMe(client, 'not-a-jwt-but-secret-looking-0123456789')).status).toBe(401);
    secrets.push('not-a-jwt-but-secret-looking-0123456789');

    client.clock.advanceSeconds(3600);
    expect((await refreshWithCookie(client, cookieSession.refreshToken)).status).toBe(401);
    const logout = await client.postJson('/auth/logout', { refresh_token: bodyTokens.refresh_token }, { Authorization: `Bearer ${bodyTokens.access_token}` });
    expect(logout.status).toBe(204);

    const text = capture.lines().join('\n');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(15);
      expect(text).not.toContain(secret);
    }
    // JWT parts on their own (a signature or payload is as telling as the whole token).
    for (const part of [payload, signature]) expect(text).not.toContain(part);
    expect(text).not.toContain(email);
    expect(text).not.toContain('edge_auth_refresh=');

    const events = authRecords(capture).map((record) => record.event);
    expect(events).toEqual(
      expect.arrayContaining(['register', 'login_succeeded', 'refresh_succeeded', 'login_failed', 'access_token_rejected', 'refresh_token_reused', 'logout']),
    );
  });

  it('writes exactly one JSON line per auth event, with level, event, time and ids', async () => {
    const client = createTestClient();
    capture = captureLogs();
    const email = uniqueEmail('oneline');
    const password = 'one line per event please';
    await client.postJson('/auth/register', { email, password });
    const registered = authRecords(capture);
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ level: 'info', event: 'register', category: 'auth', user_id: expect.stringMatching(/^\d\d\./) });
    expect(Date.parse(String(registered[0]?.time))).not.toBeNaN();

    capture.clear();
    const session = await logIn(client, email, password, 'body');
    expect(authRecords(capture)).toEqual([
      expect.objectContaining({ event: 'login_succeeded', sid: session.sessionId, channel: 'body', user_id: registered[0]?.user_id }),
    ]);

    capture.clear();
    await client.postJson('/auth/login', { email, password: 'definitely not it' });
    expect(authRecords(capture)).toEqual([expect.objectContaining({ level: 'info', event: 'login_failed', reason: 'wrong password', path: '/auth/login' })]);

    capture.clear();
    await client.postJson('/auth/logout', { refresh_token: session.refreshToken });
    expect(authRecords(capture)).toEqual([expect.objectContaining({ event: 'logout', sid: session.sessionId, sessions_revoked: 1 })]);
  });
});
