// Refresh rotation rules seen from outside: what D1 stores for each token, a revoked session inside the grace window, and the grace boundary to the second.
import { describe, expect, it } from 'vitest';
import { createVerifier, TokenRejectedError } from '../../src/verify';
import { BASE_URL, createTestClient, refreshCookieFrom, refreshWithCookie, signUpAndLogIn, type TestClient } from '../helpers/client';
import { findStoredValue, isStoredAnywhere } from '../helpers/d1-scan';
import { databaseForKey } from '../../src/storage/database';

/** SHA-256 of the token's UTF-8 bytes, lowercase hex, computed here and not by the app. */
async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function hexOfUtf8(text: string): string {
  return Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The session row's refresh state and revocation, as D1 holds it. */
async function sessionRefreshState(client: TestClient, sessionId: string) {
  return databaseForKey(client.env, sessionId).prepare(
    'SELECT refresh_hash, previous_hash, rotated_at, successor_sealed, revoked_at, revoked_reason FROM sessions WHERE id = ?1',
  )
    .bind(sessionId)
    .first<Record<string, unknown>>();
}

/** A verifier with the service's JWKS and no revocation store: what a downstream service without KV accepts. */
async function verifierWithoutKv(client: TestClient) {
  const jwks = (await (await client.fetch('/.well-known/jwks.json')).json()) as { keys: unknown[] };
  return createVerifier({ jwks, issuer: BASE_URL, audience: 'edge-auth', now: client.clock.now });
}

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

describe('what D1 stores for each refresh token', () => {
  it('stores the SHA-256 of every token of a chain (login, then each successor) while it is current or the immediate predecessor, and nothing reversible', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const tokens = [user.refreshToken];
    const where = async (token: string) => (await findStoredValue(databaseForKey(client.env, user.sessionId), await sha256Hex(token))).map(({ table, column }) => `${table}.${column}`);
    expect(await where(user.refreshToken), 'SHA-256 of token #0 after login').toEqual(['sessions.refresh_hash']);
    for (let step = 1; step <= 2; step++) {
      const response = await refreshWithCookie(client, tokens[tokens.length - 1] ?? '');
      expect(response.status).toBe(200);
      tokens.push(refreshCookieFrom(response) ?? '');
      expect(await where(tokens[step] ?? ''), `SHA-256 of token #${step}, current`).toEqual(['sessions.refresh_hash']);
      expect(await where(tokens[step - 1] ?? ''), `SHA-256 of token #${step - 1}, its predecessor`).toEqual(['sessions.previous_hash']);
    }
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) {
      // A reversible encoding of the token must not be there, at any step.
      expect(await isStoredAnywhere(databaseForKey(client.env, user.sessionId), hexOfUtf8(token).slice(6))).toBe(false);
      expect(await isStoredAnywhere(databaseForKey(client.env, user.sessionId), token.slice(3))).toBe(false);
    }
  });
});

describe('a revoked session inside the grace window', () => {
  it('refuses the predecessor after logout with the successor (401) and issues nothing, not even a token a KV-less verifier would take', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const rotated = await refreshWithCookie(client, user.refreshToken);
    expect(rotated.status).toBe(200);
    const successor = refreshCookieFrom(rotated) ?? '';
    const { access_token: successorAccessToken } = (await rotated.json()) as { access_token: string };
    const verifier = await verifierWithoutKv(client);
    // Control: without KV, the verifier takes any well-signed token, revoked or not.
    await expect(verifier.verify(successorAccessToken)).resolves.toMatchObject({ sid: user.sessionId });

    client.clock.advanceSeconds(2);
    const logout = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${successor}` } });
    expect(logout.status).toBe(204);
    const stateBefore = await sessionRefreshState(client, user.sessionId);

    client.clock.advanceSeconds(2);
    client.storage.resetCounts();
    const replay = await refreshWithCookie(client, user.refreshToken);
    expect(replay.status).toBe(401);
    const text = await replay.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'invalid_refresh_token' });
    expect(refreshCookieFrom(replay)).toBeUndefined();
    expect(text).not.toContain('access_token');
    expect(text).not.toContain(successor);
    const issuedTokens = [...text.matchAll(JWT_SHAPE)].map((match) => match[0]);
    expect(issuedTokens).toEqual([]);
    for (const token of issuedTokens) await expect(verifier.verify(token)).rejects.toBeInstanceOf(TokenRejectedError);
    // The replay wrote nothing: no successor, no replay event, the session row as logout left it.
    expect(client.storage.rows.written).toBe(0);
    expect(stateBefore).toMatchObject({ refresh_hash: await sha256Hex(successor), previous_hash: await sha256Hex(user.refreshToken), revoked_reason: 'logout' });
    expect(await sessionRefreshState(client, user.sessionId)).toEqual(stateBefore);
  });

  it('refuses the successor itself after logout, and the session stays revoked for its first reason', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const successor = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${successor}` } });
    expect((await refreshWithCookie(client, successor)).status).toBe(401);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
    const session = await databaseForKey(client.env, user.sessionId).prepare('SELECT revoked_reason FROM sessions WHERE id = ?1').bind(user.sessionId).first<{ revoked_reason: string }>();
    expect(session?.revoked_reason).toBe('logout');
  });
});

describe('the grace window boundary, with a configured window', () => {
  // A window other than the default, so a hard-coded value cannot pass.
  const GRACE_SECONDS = 25;

  async function rotatedOnce(client: TestClient) {
    const user = await signUpAndLogIn(client);
    const successor = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    return { user, successor };
  }

  it('answers a replay exactly at the end of the window with the same successor', async () => {
    const client = createTestClient({ vars: { REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) } });
    const { user, successor } = await rotatedOnce(client);
    client.clock.advanceSeconds(GRACE_SECONDS);
    const replay = await refreshWithCookie(client, user.refreshToken);
    expect(replay.status).toBe(200);
    expect(refreshCookieFrom(replay)).toBe(successor);
  });

  it('treats a replay one second past the window as reuse: 401, and the session is revoked', async () => {
    const client = createTestClient({ vars: { REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) } });
    const { user, successor } = await rotatedOnce(client);
    client.clock.advanceSeconds(GRACE_SECONDS + 1);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
    expect((await refreshWithCookie(client, successor)).status).toBe(401);
    const session = await databaseForKey(client.env, user.sessionId).prepare('SELECT revoked_reason FROM sessions WHERE id = ?1').bind(user.sessionId).first<{ revoked_reason: string }>();
    expect(session?.revoked_reason).toBe('refresh_token_reused');
  });

  it('uses the default 10-second window: 200 at 10 s, reuse at 11 s', async () => {
    const client = createTestClient();
    const inside = await rotatedOnce(client);
    const outside = await rotatedOnce(client);
    client.clock.advanceSeconds(10);
    expect((await refreshWithCookie(client, inside.user.refreshToken)).status).toBe(200);
    client.clock.advanceSeconds(1);
    expect((await refreshWithCookie(client, outside.user.refreshToken)).status).toBe(401);
  });
});

describe('the end of a session inside the grace window', () => {
  it('refuses a grace-window replay at the very second the session expires (401, nothing issued)', async () => {
    const client = createTestClient({ vars: { REFRESH_TOKEN_TTL_SECONDS: '3600' } });
    const user = await signUpAndLogIn(client);
    client.clock.advanceSeconds(3595);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
    client.clock.advanceSeconds(5);
    const replay = await refreshWithCookie(client, user.refreshToken);
    expect(replay.status).toBe(401);
    expect(refreshCookieFrom(replay)).toBeUndefined();
    expect(await replay.text()).not.toContain('access_token');
  });
});
