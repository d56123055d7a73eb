// Refresh tokens kept in the session row: reuse of any older token, no forged reuse, nothing stored yields a live token.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../../src/http/app-env';
import { runScheduledCleanup } from '../../src/scheduled';
import { revocationKey } from '../../src/core/revocation-key';
import { unsealSuccessor } from '../../src/sessions/refresh-secrets';
import { bytesToBase64Url } from '../../src/core/encoding';
import { createTestClient, getMe, refreshCookieFrom, refreshWithCookie, signUpAndLogIn, type TestClient } from '../helpers/client';
import { databaseForKey } from '../../src/storage/database';
import { rowsOnEveryShard } from '../helpers/shards';

async function sessionRow(client: TestClient, sessionId: string) {
  return databaseForKey(client.env, sessionId).prepare('SELECT revoked_at, revoked_reason FROM sessions WHERE id = ?1').bind(sessionId).first<{ revoked_at: number | null; revoked_reason: string | null }>();
}

/** Every text value of every row of every table: what a copy of D1 gives an attacker. */
async function dumpEveryStoredString(): Promise<string[]> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  const values: string[] = [];
  for (const { name } of tables) {
    for (const row of await rowsOnEveryShard(`SELECT * FROM "${name}"`)) for (const value of Object.values(row)) if (typeof value === 'string') values.push(value);
  }
  return values;
}

/** A token of the session's shape: its id, then 48 bytes the caller chooses. */
function tokenNamingSession(sessionId: string, tail: Uint8Array): string {
  const idBytes = Uint8Array.from(atob(sessionId.slice(3).replace(/-/g, '+').replace(/_/g, '/') + '=='), (char) => char.charCodeAt(0));
  const bytes = new Uint8Array(64);
  bytes.set(idBytes, 0);
  bytes.set(tail, 16);
  return `00.${bytesToBase64Url(bytes)}`;
}

describe('refresh reuse detection without a row per token', () => {
  it('revokes the session when any earlier token is presented, five generations back', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const chain = [user.refreshToken];
    for (let step = 0; step < 5; step++) {
      client.clock.advanceSeconds(30);
      chain.push(refreshCookieFrom(await refreshWithCookie(client, chain[chain.length - 1] ?? '')) ?? '');
    }
    const reuse = await refreshWithCookie(client, chain[1] ?? '');
    expect(reuse.status).toBe(401);
    expect(await sessionRow(client, user.sessionId)).toMatchObject({ revoked_reason: 'refresh_token_reused' });
    expect((await refreshWithCookie(client, chain[5] ?? '')).status).toBe(401);
    const event = await databaseForKey(client.env, user.sessionId).prepare("SELECT COUNT(*) AS n FROM auth_events WHERE session_id = ?1 AND type = 'refresh_token_reused'")
      .bind(user.sessionId)
      .first<{ n: number }>();
    expect(event?.n).toBe(1);
  });

  it('refuses, without revoking anything, a token that names a session but holds none of its secrets', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    // Anyone who saw an access token knows its sid: that must not be enough to end the session.
    const forged = tokenNamingSession(user.sessionId, crypto.getRandomValues(new Uint8Array(48)));
    const response = await refreshWithCookie(client, forged);
    expect(response.status).toBe(401);
    expect(await sessionRow(client, user.sessionId)).toMatchObject({ revoked_at: null });
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
  });

  it('answers 401 and issues nothing to a replay inside the grace window once the successor logged out', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const successor = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    const logout = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${successor}` } });
    expect(logout.status).toBe(204);
    client.clock.advanceSeconds(2);
    const replay = await refreshWithCookie(client, user.refreshToken);
    expect(replay.status).toBe(401);
    expect(refreshCookieFrom(replay)).toBeUndefined();
    expect(await replay.text()).not.toContain('access_token');
  });
});

describe('nothing stored yields a live token (issue 11, finding 3)', () => {
  it('once the grace window has passed and the cleanup ran, an old token and every stored row open nothing that refreshes', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const live = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    const nowSeconds = Math.floor(client.clock.now() / 1000) + 11;
    await runScheduledCleanup(env as unknown as Bindings, nowSeconds);

    const stored = await dumpEveryStoredString();
    expect(stored.some((value) => value.includes(live.slice(3)))).toBe(false);
    const opened = (await Promise.all(stored.map((value) => unsealSuccessor(user.refreshToken, value)))).filter((value) => value !== null);
    expect(opened).toEqual([]);
    // And the live token really is live, so the check above was not vacuous.
    client.clock.advanceSeconds(11);
    expect((await refreshWithCookie(client, live)).status).toBe(200);
  });

  it('while the grace window is open, the sealed successor opens only with the token it replaced', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const live = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    const row = await databaseForKey(client.env, user.sessionId).prepare('SELECT successor_sealed, refresh_hash FROM sessions WHERE id = ?1')
      .bind(user.sessionId)
      .first<{ successor_sealed: string; refresh_hash: string }>();
    expect(await unsealSuccessor(user.refreshToken, row?.successor_sealed ?? '')).toBe(live);
    expect(await unsealSuccessor(row?.refresh_hash ?? '', row?.successor_sealed ?? '')).toBeNull();
  });
});

describe('revocation cache (REVOCATION_CACHE_SECONDS)', () => {
  it('saves the KV read for a burst of requests of one session', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    for (let request = 0; request < 5; request++) expect((await getMe(client, user.accessToken)).status).toBe(200);
    expect(client.storage.counts.kvReads).toBe(1);
  });

  it('refuses the token at once in the isolate that revoked the session', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    const logout = await client.fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${user.accessToken}` } });
    expect(logout.status).toBe(204);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });

  it('lets another location’s revocation through after at most the cache time', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    // The flag as another isolate raises it: straight into KV, this isolate's memory untouched.
    await env.KV.put(revocationKey(user.sessionId), '1', { expirationTtl: 960 });
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    client.clock.advanceSeconds(10);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });

  it('reads KV on every request with REVOCATION_CACHE_SECONDS=0', async () => {
    const client = createTestClient({ vars: { REVOCATION_CACHE_SECONDS: '0' } });
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    for (let request = 0; request < 3; request++) expect((await getMe(client, user.accessToken)).status).toBe(200);
    expect(client.storage.counts.kvReads).toBe(3);
  });
});
