// D1 and KV failing mid-request: a clean 503 with Retry-After, nothing half-rotated, protected requests fail closed.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { STORAGE_RETRY_AFTER_SECONDS } from '../../src/storage/database';
import { createTestClient, DEFAULT_PASSWORD, getMe, logIn, refreshCookieFrom, refreshWithCookie, signUpAndLogIn, uniqueEmail, type TestClient } from '../helpers/client';
import { findInvariantViolations } from '../helpers/invariants';
import { databaseForEmail } from '../../src/storage/database';

async function expectServiceUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(Number(response.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
  expect(response.headers.get('Set-Cookie')).toBeNull();
  expect(await response.json()).toEqual({ error: 'service_unavailable', message: 'The service is temporarily unavailable. Please retry shortly.' });
}

async function countSessionsOf(email: string): Promise<number> {
  return (await (await databaseForEmail(env, email)).prepare('SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?1').bind(email).first<number>('n')) ?? 0;
}

function logoutWithCookie(client: TestClient, refreshToken: string, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = { Cookie: `edge_auth_refresh=${refreshToken}` };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  return client.fetch('/auth/logout', { method: 'POST', headers });
}

describe('POST /auth/register under storage faults', () => {
  it('answers 503 when D1 throws, and the same registration succeeds once D1 is back', async () => {
    const client = createTestClient();
    const email = uniqueEmail('fault-register');
    client.storage.injectFault({ target: 'd1', kind: 'throw', times: 1 });
    await expectServiceUnavailable(await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD }));
    expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
  });
});

describe('POST /auth/login under storage faults', () => {
  it('answers 503 when the user lookup throws', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'd1', kind: 'throw' });
    await expectServiceUnavailable(await client.postJson('/auth/login', { email: user.email, password: user.password }));
  });

  it('answers 503 when opening the session throws, and leaves no half-open session behind', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const sessionsBefore = await countSessionsOf(user.email);
    client.storage.injectFault({ target: 'd1', kind: 'throw', after: 1 });
    await expectServiceUnavailable(await client.postJson('/auth/login', { email: user.email, password: user.password }));
    expect(await countSessionsOf(user.email)).toBe(sessionsBefore);
    expect(await findInvariantViolations()).toEqual([]);
  });

  it('answers 503 with Retry-After when D1 hangs past the storage timeout', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'd1', kind: 'hang' });
    await expectServiceUnavailable(await client.postJson('/auth/login', { email: user.email, password: user.password }));
  });
});

describe('POST /auth/refresh under storage faults (no half-rotated token)', () => {
  it('answers 503 when the rotation batch (its only D1 round trip) throws, and the same refresh token still rotates afterwards', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'd1', kind: 'throw', times: 1 });
    await expectServiceUnavailable(await refreshWithCookie(client, user.refreshToken));
    const retried = await refreshWithCookie(client, user.refreshToken);
    expect(retried.status).toBe(200);
    const successor = refreshCookieFrom(retried) ?? '';
    expect((await refreshWithCookie(client, successor)).status).toBe(200);
    expect(await findInvariantViolations()).toEqual([]);
  });

  it('answers 503 when the rotation batch hangs past the storage timeout, and the same token still rotates afterwards', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'd1', kind: 'hang', times: 1 });
    await expectServiceUnavailable(await refreshWithCookie(client, user.refreshToken));
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
  });

  it('hands back the committed successor when the rotation committed but its answer was lost', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'd1', kind: 'lose-response', times: 1 });
    await expectServiceUnavailable(await refreshWithCookie(client, user.refreshToken));
    const retried = await refreshWithCookie(client, user.refreshToken);
    expect(retried.status).toBe(200);
    const successor = refreshCookieFrom(retried) ?? '';
    const next = await refreshWithCookie(client, successor);
    expect(next.status).toBe(200);
    expect(await findInvariantViolations()).toEqual([]);
  });

  it('never touches KV on refresh, so a KV outage does not stop refreshes', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'kv-read', kind: 'throw' });
    client.storage.injectFault({ target: 'kv-write', kind: 'throw' });
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
  });
});

describe('Retry-After and the refresh grace window', () => {
  it('tells clients to retry well inside the grace window, so a rotation that committed late is still answered', () => {
    const { refreshReuseGraceSeconds } = parseConfig(env as unknown as Record<string, unknown>);
    expect(STORAGE_RETRY_AFTER_SECONDS).toBeLessThan(refreshReuseGraceSeconds);
  });
});

describe('POST /auth/logout under storage faults', () => {
  it('answers 503 when D1 throws, and the session stays usable until a retry succeeds', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'd1', kind: 'throw', times: 1 });
    await expectServiceUnavailable(await logoutWithCookie(client, user.refreshToken));
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    expect((await logoutWithCookie(client, user.refreshToken)).status).toBe(204);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });

  it('answers 503 when the KV flag cannot be written, and a retry raises it so the access token dies', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'kv-write', kind: 'throw', times: 1 });
    await expectServiceUnavailable(await logoutWithCookie(client, user.refreshToken, user.accessToken));
    // D1 already ended the session: its refresh token is dead even before the retry.
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
    expect((await logoutWithCookie(client, user.refreshToken, user.accessToken)).status).toBe(204);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });

  it('answers 503 for a bearer-only logout when D1 throws', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'd1', kind: 'throw' });
    await expectServiceUnavailable(await client.fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${user.accessToken}` } }));
  });
});

describe('GET /auth/me fails closed when the revocation flag cannot be read', () => {
  it('answers 503, never 200, when the KV read throws', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'kv-read', kind: 'throw' });
    await expectServiceUnavailable(await getMe(client, user.accessToken));
  });

  it('answers 503, never 200, when the KV read hangs past the storage timeout', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.injectFault({ target: 'kv-read', kind: 'hang' });
    await expectServiceUnavailable(await getMe(client, user.accessToken));
  });

  it('does not accept a revoked session while KV is failing, and refuses it once KV is back', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await logoutWithCookie(client, user.refreshToken)).status).toBe(204);
    client.storage.injectFault({ target: 'kv-read', kind: 'throw', times: 1 });
    expect((await getMe(client, user.accessToken)).status).toBe(503);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });

  it('still answers a token that is invalid on its face with 401 without reading KV', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const second = await logIn(client, user.email, user.password);
    client.storage.injectFault({ target: 'kv-read', kind: 'throw' });
    client.storage.resetCounts();
    expect((await getMe(client, `${second.accessToken.slice(0, -4)}AAAA`)).status).toBe(401);
    expect(client.storage.counts.kvReads).toBe(0);
  });
});
