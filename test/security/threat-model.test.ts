// The threat-model guarantees of docs/security.md that no other file proves: CSRF, XSS reach, key rotation and compromise, a stale KV edge.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { revocationKey } from '../../src/sessions/revocations';
import { createTestClient, getMe, refreshCookieFrom, refreshWithCookie, signUpAndLogIn } from '../helpers/client';

describe('CSRF: cookie endpoints refuse other sites', () => {
  it.each([
    ['an untrusted Origin', { Origin: 'https://evil.example' }],
    ['Origin "null"', { Origin: 'null' }],
    ['Sec-Fetch-Site cross-site without an Origin', { 'Sec-Fetch-Site': 'cross-site' }],
  ])('refuses a cookie refresh with %s (403) and leaves the token usable', async (_name, headers) => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await refreshWithCookie(client, user.refreshToken, headers);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'forbidden_origin' });
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
  });

  it('refuses a cross-site logout (403), so another site cannot sign the user out', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${user.refreshToken}`, Origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect((await getMe(client, user.accessToken)).status).toBe(200);
  });

  it('accepts the service’s own origin', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await refreshWithCookie(client, user.refreshToken, { Origin: 'https://auth.example.test', 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
  });
});

describe('XSS: script in a page cannot read the refresh token', () => {
  it('sets the refresh cookie HttpOnly, Secure, SameSite=Strict as a __Host- cookie (Path=/, no Domain)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await refreshWithCookie(client, user.refreshToken);
    const cookie = response.headers.get('Set-Cookie') ?? '';
    for (const attribute of ['__Host-', 'HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/;']) expect(cookie).toContain(attribute);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('never puts a cookie-delivered refresh token in a response body', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await refreshWithCookie(client, user.refreshToken);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('refresh_token');
    expect(JSON.stringify(body)).not.toContain(refreshCookieFrom(response) ?? 'missing');
  });
});

describe('key rotation and key compromise', () => {
  const keys = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: unknown[] }).keys;

  it('keeps live tokens working when a new signing key is put first (rotation)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const rotated = createTestClient({ vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys: [keys[1], keys[0], keys[2]] }) } });
    expect((await getMe(rotated, user.accessToken)).status).toBe(200);
  });

  it('refuses every token of a key once it is removed from the set (compromise response)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const withoutCompromisedKey = createTestClient({ vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys: [keys[1], keys[2]] }) } });
    expect((await getMe(withoutCompromisedKey, user.accessToken)).status).toBe(401);
  });
});

describe('a stale KV edge', () => {
  it('refuses the refresh at once from D1 even where the revocation flag has not arrived yet', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${user.refreshToken}` } })).status).toBe(204);
    // An edge whose KV replica has not seen the flag yet.
    await env.KV.delete(revocationKey(user.sessionId));
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
  });

  it('bounds what a stale edge accepts by the access token lifetime plus the clock skew', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await client.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${user.refreshToken}` } })).status).toBe(204);
    await env.KV.delete(revocationKey(user.sessionId));
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    client.clock.advanceSeconds(900 + 30 + 1);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });
});

describe('refresh-token theft and replay', () => {
  it('gives a replay inside the grace window the same successor (concurrent tabs are not theft)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const first = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken));
    client.clock.advanceSeconds(5);
    const replay = await refreshWithCookie(client, user.refreshToken);
    expect(replay.status).toBe(200);
    expect(refreshCookieFrom(replay)).toBe(first);
  });

  it('revokes the whole session when a rotated token is replayed after the grace window', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const successor = refreshCookieFrom(await refreshWithCookie(client, user.refreshToken)) ?? '';
    client.clock.advanceSeconds(11);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
    // The thief's replay also ends the legitimate holder's chain and access token.
    expect((await refreshWithCookie(client, successor)).status).toBe(401);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });
});
