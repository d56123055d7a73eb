// POST /auth/password as an attacker meets it: other sessions die at once (D1, KV and any verifier with KV), and the lockout holds both ways.
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { revocationKey } from '../../src/sessions/revocations';
import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../../src/tokens/access';
import { createVerifier, TokenRejectedError } from '../../src/verify';
import { BASE_URL, createTestClient, getMe, logIn, refreshWithCookie, sendWithBearer, signUpAndLogIn, uniqueIp, type TestClient } from '../helpers/client';
import { databaseForKey } from '../../src/storage/database';

const NEW_PASSWORD = 'a completely new passphrase';
const WRONG = 'definitely not the password';

function changePassword(client: TestClient, accessToken: string, current: string): Promise<Response> {
  return sendWithBearer(client, 'POST', '/auth/password', accessToken, { current_password: current, new_password: NEW_PASSWORD });
}

function login(client: TestClient, email: string, password: string): Promise<Response> {
  return client.postJson('/auth/login', { email, password }, { 'CF-Connecting-IP': uniqueIp() });
}

async function revokedReason(client: TestClient, sessionId: string): Promise<string | null> {
  const row = await databaseForKey(client.env, sessionId).prepare('SELECT revoked_reason FROM sessions WHERE id = ?1').bind(sessionId).first<{ revoked_reason: string | null }>();
  return row?.revoked_reason ?? null;
}

describe('a password change and the other sessions', () => {
  it('revokes every other session in D1 and raises its KV flag for as long as its access tokens verify; the current one lives on', async () => {
    const client = createTestClient();
    const current = await signUpAndLogIn(client);
    const others = [await logIn(client, current.email, current.password), await logIn(client, current.email, current.password)];
    expect((await changePassword(client, current.accessToken, current.password)).status).toBe(204);

    for (const other of others) {
      expect(await revokedReason(client, other.sessionId)).toBe('password_changed');
      const listed = await client.env.KV.list({ prefix: revocationKey(other.sessionId) });
      const remaining = (listed.keys[0]?.expiration ?? 0) - Math.floor(Date.now() / 1000);
      // On KV's real clock the flag outlives this access token's own lifetime
      // plus the skew, and the ceiling any verifier accepts plus the skew
      // (a token issued under a longer setting); it lives no longer than that.
      const { exp = 0, iat = 0 } = decodeJwt(other.accessToken);
      const mustCover = Math.max(exp - iat, MAX_ACCESS_TOKEN_TTL_SECONDS) + CLOCK_SKEW_SECONDS;
      expect(exp - iat).toBeGreaterThan(0);
      expect(remaining).toBeGreaterThanOrEqual(mustCover - 2);
      expect(remaining).toBeLessThanOrEqual(mustCover + 1);
      expect((await getMe(client, other.accessToken)).status).toBe(401);
      expect((await refreshWithCookie(client, other.refreshToken)).status).toBe(401);
    }
    expect(await revokedReason(client, current.sessionId)).toBeNull();
    expect((await getMe(client, current.accessToken)).status).toBe(200);
  });

  it('makes a verifier that reads the KV flags refuse the other sessions’ access tokens', async () => {
    const client = createTestClient();
    const current = await signUpAndLogIn(client);
    const other = await logIn(client, current.email, current.password);
    const jwks = (await (await client.fetch('/.well-known/jwks.json')).json()) as { keys: unknown[] };
    const verifier = createVerifier({ jwks, issuer: BASE_URL, audience: 'edge-auth', revocations: client.env.KV, now: client.clock.now });
    await expect(verifier.verify(other.accessToken)).resolves.toMatchObject({ sid: other.sessionId });
    expect((await changePassword(client, current.accessToken, current.password)).status).toBe(204);
    await expect(verifier.verify(other.accessToken)).rejects.toBeInstanceOf(TokenRejectedError);
    await expect(verifier.verify(current.accessToken)).resolves.toMatchObject({ sid: current.sessionId });
  });
});

describe('a password change and the lockout', () => {
  it('refuses the right current password while sign-in failures keep the account locked, and keeps the old password', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2', LOGIN_LOCKOUT_SECONDS: '600' } });
    const user = await signUpAndLogIn(client);
    expect((await login(client, user.email, WRONG)).status).toBe(401);
    // The second failure starts the lock.
    expect((await login(client, user.email, WRONG)).status).toBe(401);
    const refused = await changePassword(client, user.accessToken, user.password);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'too_many_attempts' });
    client.clock.advanceSeconds(601);
    expect((await login(client, user.email, NEW_PASSWORD)).status).toBe(401);
    expect((await login(client, user.email, user.password)).status).toBe(200);
  });

  it('records each wrong current password and the lockout it starts in the user’s events', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '3' } });
    const user = await signUpAndLogIn(client);
    for (let attempt = 0; attempt < 3; attempt++) expect((await changePassword(client, user.accessToken, WRONG)).status).toBe(401);
    const response = await sendWithBearer(client, 'GET', '/auth/events', user.accessToken);
    const { events } = (await response.json()) as { events: { type: string }[] };
    const types = events.map((event) => event.type);
    expect(types.filter((type) => type === 'password_change_failed')).toHaveLength(3);
    expect(types).toContain('lockout');
    // The lock holds for sign-in too: a stolen access token is no way around it.
    expect((await login(client, user.email, user.password)).status).toBe(429);
  });
});
