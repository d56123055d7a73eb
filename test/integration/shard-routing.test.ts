// Shard routing is decided once per request (issue 24): the D1 bindings a request looks up on the env, counted.
import { describe, expect, it } from 'vitest';
import { shardMapOf } from '../../src/storage/database';
import { REFRESH_COOKIE_NAME } from '../../src/http/cookies';
import { createTestClient, getMe, logIn, refreshWithCookie, sendWithBearer, signUpAndLogIn, signUpVerified, uniqueEmail, DEFAULT_PASSWORD, type TestClient } from '../helpers/client';
import { codeAt, enableTotp, mfaStep, passwordStep } from '../helpers/totp';
import { addPasskey, signInWithPasskey } from '../helpers/passkeys';

// Puts a counting getter in place of each shard's D1 binding on the client's env: every routing to a database reads one.
function countDatabaseLookups(client: TestClient): { lookups: number } {
  const counter = { lookups: 0 };
  const env = client.env as unknown as Record<string, unknown>;
  for (const shard of shardMapOf(client.env).shards) {
    const db = env[shard.binding];
    Object.defineProperty(env, shard.binding, {
      configurable: true,
      enumerable: true,
      get: () => {
        counter.lookups++;
        return db;
      },
    });
  }
  return counter;
}

describe('shard routing per request', () => {
  it('a password login resolves one database: the email home shard, which holds the new user too', async () => {
    const client = createTestClient();
    const email = uniqueEmail();
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const counter = countDatabaseLookups(client);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
    expect(counter.lookups).toBe(1);
  });

  it('a wrong password resolves one database: the failure is counted where the first look found the record', async () => {
    const client = createTestClient();
    const email = uniqueEmail();
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const counter = countDatabaseLookups(client);
    expect((await client.postJson('/auth/login', { email, password: 'not the right passphrase' })).status).toBe(401);
    expect(counter.lookups).toBe(1);
  });

  it('a refresh resolves one database, the one its token names', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const counter = countDatabaseLookups(client);
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(200);
    expect(counter.lookups).toBe(1);
  });

  it('a protected request resolves no database', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const counter = countDatabaseLookups(client);
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    expect(counter.lookups).toBe(0);
  });

  it('a logout with both tokens and the sessions list each resolve one database', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const other = await logIn(client, user.email, user.password);
    const counter = countDatabaseLookups(client);
    expect((await sendWithBearer(client, 'GET', '/auth/sessions', other.accessToken)).status).toBe(200);
    expect(counter.lookups).toBe(1);
    counter.lookups = 0;
    const response = await client.fetch('/auth/logout', {
      method: 'POST',
      headers: { Cookie: `${REFRESH_COOKIE_NAME}=${user.refreshToken}`, Authorization: `Bearer ${user.accessToken}` },
    });
    expect(response.status).toBe(204);
    expect(counter.lookups).toBe(1);
  });

  it('a sign-in with TOTP resolves one database at each step: the email home shard, then the shard its mfa_token names', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const totp = await enableTotp(client, user);
    const counter = countDatabaseLookups(client);
    const mfaToken = await passwordStep(client, user.email, user.password);
    expect(counter.lookups).toBe(1);
    counter.lookups = 0;
    expect((await mfaStep(client, mfaToken, { code: await codeAt(client, totp.secret) })).status).toBe(200);
    expect(counter.lookups).toBe(1);
  });

  it('a passkey sign-in resolves the challenge shard for its options, then the challenge and user handle shards', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const counter = countDatabaseLookups(client);
    expect((await signInWithPasskey(client, authenticator)).status).toBe(200);
    expect(counter.lookups).toBe(3);
  });
});
