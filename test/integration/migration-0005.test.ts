// Migration 0005 across a deploy: a database on the schema of migrations 0001-0003, with sessions made the old way, keeps working.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/password/hash';
import { bytesToBase64Url } from '../../src/core/encoding';
import { hashRefreshToken, sealSuccessor } from '../../src/sessions/refresh-secrets';
import { createTestClient, getMe, refreshCookieFrom, refreshWithCookie, sendWithBearer } from '../helpers/client';

const db = env.MIGRATION_DB;
const nowSeconds = Math.floor(Date.now() / 1000);
const SESSION_SECONDS = 30 * 86_400;

/** A refresh token as the service issued them before migration 0005: 256 random bits and nothing else. */
function oldFormatToken(): string {
  return `00.${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

interface OldSession {
  sessionId: string;
  userId: string;
  /** Rotated long ago. */
  ancient: string;
  /** Rotated 3 seconds before the deploy: inside its grace window. */
  previous: string;
  current: string;
}

/** One user with one session and a chain of three tokens, written with the statements the old code ran. */
async function createOldSession(label: string, index: number): Promise<OldSession> {
  const userId = `00.${label}-user`;
  const sessionId = `00.${bytesToBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
  const [ancient, previous, current] = [oldFormatToken(), oldFormatToken(), oldFormatToken()];
  const [ancientHash, previousHash, currentHash] = await Promise.all([ancient, previous, current].map(hashRefreshToken));
  const expiresAt = nowSeconds + SESSION_SECONDS;
  const insertToken = 'INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at, rotated_at, successor_hash, successor_sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)';
  await db.batch([
    db.prepare('INSERT INTO users (id, email, password_hash, roles, created_at) VALUES (?1, ?2, ?3, ?4, ?5)').bind(userId, `${label}@old.test`, await hashPassword('an old but fine passphrase'), '[]', nowSeconds - 900),
    db.prepare('INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at) VALUES (?1, ?2, ?3, ?3, ?4)').bind(sessionId, userId, nowSeconds - 900, expiresAt),
    db.prepare(insertToken).bind(ancientHash, sessionId, nowSeconds - 900, expiresAt, nowSeconds - 600, previousHash, await sealSuccessor(ancient, previous)),
    db.prepare(insertToken).bind(previousHash, sessionId, nowSeconds - 600, expiresAt, nowSeconds - 3, currentHash, await sealSuccessor(previous, current)),
    db.prepare(insertToken).bind(currentHash, sessionId, nowSeconds - 3, expiresAt, null, null, null),
    db.prepare("INSERT INTO auth_events (type, user_id, session_id, created_at) VALUES ('login_succeeded', ?1, ?2, ?3)").bind(userId, sessionId, nowSeconds - 900),
    db.prepare('INSERT INTO ip_rate_limits (ip_key, window_start, requests) VALUES (?1, ?2, 1)').bind(`203.0.113.${index}`, nowSeconds - 60),
  ]);
  return { sessionId, userId, ancient, previous, current };
}

describe('migration 0005 (refresh state in the session row)', () => {
  const sessions: Record<string, OldSession> = {};

  beforeAll(async () => {
    const migrations = env.TEST_MIGRATIONS;
    await applyD1Migrations(db, migrations.filter((migration) => migration.name < '0004'));
    const labels = ['rotates', 'replays', 'reuses', 'logs-out'];
    for (const [index, label] of labels.entries()) sessions[label] = await createOldSession(label, index);
    await applyD1Migrations(db, migrations);
  });

  it('refreshes a token issued before the deploy, into a token of the new format that refreshes again', async () => {
    const client = createTestClient({ db });
    const old = sessions.rotates!;
    const refreshed = await refreshWithCookie(client, old.current);
    expect(refreshed.status).toBe(200);
    const successor = refreshCookieFrom(refreshed) ?? '';
    expect(successor).toMatch(/^00\.[A-Za-z0-9_-]{86}$/);
    const { access_token: accessToken } = (await refreshed.json()) as { access_token: string };
    expect((await getMe(client, accessToken)).status).toBe(200);
    client.clock.advanceSeconds(30);
    client.storage.resetCounts();
    expect((await refreshWithCookie(client, successor)).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBe(1);
  });

  it('keeps the grace window of a rotation made just before the deploy: the same successor comes back', async () => {
    const client = createTestClient({ db });
    const old = sessions.replays!;
    const replay = await refreshWithCookie(client, old.previous);
    expect(replay.status).toBe(200);
    expect(refreshCookieFrom(replay)).toBe(old.current);
  });

  it('still treats reuse of an old token from before the deploy as theft', async () => {
    const client = createTestClient({ db });
    const old = sessions.reuses!;
    expect((await refreshWithCookie(client, old.ancient)).status).toBe(401);
    const row = await db.prepare('SELECT revoked_reason FROM sessions WHERE id = ?1').bind(old.sessionId).first<{ revoked_reason: string }>();
    expect(row?.revoked_reason).toBe('refresh_token_reused');
    expect((await refreshWithCookie(client, old.current)).status).toBe(401);
  });

  it('logs out with a token from before the deploy, and keeps the events recorded before it', async () => {
    const client = createTestClient({ db });
    const old = sessions['logs-out']!;
    const refreshed = await refreshWithCookie(client, old.current);
    const { access_token: accessToken } = (await refreshed.json()) as { access_token: string };
    const events = (await (await sendWithBearer(client, 'GET', '/auth/events', accessToken)).json()) as { events: { type: string }[] };
    expect(events.events.map((event) => event.type)).toEqual(['login_succeeded']);
    const logout = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${old.previous}` } });
    expect(logout.status).toBe(204);
    expect((await getMe(client, accessToken)).status).toBe(401);
  });

  it('leaves no sealed successor in the old table: an old token and a copy of D1 no longer lead to the live token', async () => {
    const { results } = await db.prepare('SELECT successor_sealed FROM refresh_tokens WHERE successor_sealed IS NOT NULL').all();
    expect(results).toEqual([]);
  });
});
