// POST /auth/register and POST /auth/login.
import { describe, expect, it } from 'vitest';
import { CURRENT_PASSWORD_PARAMETERS, hashPassword } from '../../src/password/hash';
import { createTestClient, DEFAULT_PASSWORD, getMe, refreshCookieFrom, uniqueEmail } from '../helpers/client';
import { databaseForKey, databaseForEmail } from '../../src/storage/database';
import { countOnEveryShard } from '../helpers/shards';

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

describe('POST /auth/register', () => {
  it('creates a user and answers 201 with id, normalised email and created_at', async () => {
    const client = createTestClient();
    const email = uniqueEmail('Reg');
    const response = await client.postJson('/auth/register', { email: `  ${email.toUpperCase()} `, password: DEFAULT_PASSWORD });
    expect(response.status).toBe(201);
    const { user } = (await response.json()) as { user: { id: string; email: string; created_at: string } };
    expect(user.email).toBe(email.toLowerCase());
    expect(user.id).toMatch(/^[0-9a-z]{2}\./);
    expect(new Date(user.created_at).toISOString()).toBe(user.created_at);
    expect(Object.keys(user).sort()).toEqual(['created_at', 'email', 'email_verified', 'id']);
    expect((user as { email_verified?: unknown }).email_verified).toBe(false);
  });

  it('allows one account per address whatever its letter case (409 email_taken)', async () => {
    const client = createTestClient();
    const email = uniqueEmail();
    expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
    const again = await client.postJson('/auth/register', { email: email.toUpperCase(), password: DEFAULT_PASSWORD });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toBe('email_taken');
  });

  it.each([
    ['too short', 'short12'],
    ['too long', 'x'.repeat(129)],
    ['a common password', 'password123'],
    ['another common password', 'iloveyou1'],
  ])('refuses a password that is %s with 400 weak_password', async (_, password) => {
    const client = createTestClient();
    const response = await client.postJson('/auth/register', { email: uniqueEmail(), password });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe('weak_password');
  });

  it('accepts long passphrases and any characters without composition rules', async () => {
    const client = createTestClient();
    const response = await client.postJson('/auth/register', { email: uniqueEmail(), password: 'ünïcødé pässphrase 🔑 with spaces'.padEnd(128, 'z') });
    expect(response.status).toBe(201);
  });

  it.each([
    ['no @', 'not-an-email'],
    ['a zero-width space', 'zero\u200bwidth@example.test'],
    ['no domain dot', 'user@localhost'],
    ['an empty string', ''],
  ])('refuses an email with %s as invalid_request', async (_, email) => {
    const client = createTestClient();
    const response = await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe('invalid_request');
  });

  it.each([
    ['missing password', { email: 'a@example.test' }],
    ['a number for email', { email: 42, password: DEFAULT_PASSWORD }],
    ['an unknown field', { email: 'a@example.test', password: DEFAULT_PASSWORD, admin: true }],
    ['an array body', ['a@example.test']],
    ['a string body', 'hello'],
    ['null', null],
  ])('refuses a body with %s as 400 invalid_request and writes nothing', async (_, body) => {
    const client = createTestClient();
    const before = await countOnEveryShard('SELECT COUNT(*) AS n FROM users');
    const response = await client.postJson('/auth/register', body);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe('invalid_request');
    expect(await countOnEveryShard('SELECT COUNT(*) AS n FROM users')).toBe(before);
  });

  it('stores the password only as a PBKDF2 PHC string', async () => {
    const client = createTestClient();
    const email = uniqueEmail();
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const row = await (await databaseForEmail(client.env, email)).prepare('SELECT password_hash FROM users WHERE email = ?1').bind(email).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^\$pbkdf2-sha256\$i=100000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(row?.password_hash).not.toContain(DEFAULT_PASSWORD);
  });
});

describe('POST /auth/login', () => {
  async function registered(client: ReturnType<typeof createTestClient>): Promise<string> {
    const email = uniqueEmail();
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    return email;
  }

  it('answers 200 with a bearer access token and sets the refresh cookie (default delivery)', async () => {
    const client = createTestClient();
    const email = await registered(client);
    const response = await client.postJson('/auth/login', { email: email.toUpperCase(), password: DEFAULT_PASSWORD });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(900);
    expect(refreshCookieFrom(response)).toMatch(/^[0-9a-z]{2}\./);
    expect((await getMe(client, String(body.access_token))).status).toBe(200);
  });

  it('returns the refresh token in the body and sets no cookie with token_delivery "body"', async () => {
    const client = createTestClient();
    const email = await registered(client);
    const response = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD, token_delivery: 'body' });
    expect(response.status).toBe(200);
    expect(response.headers.get('Set-Cookie')).toBeNull();
    const body = (await response.json()) as { refresh_token: string };
    expect(body.refresh_token).toMatch(/^[0-9a-z]{2}\.[A-Za-z0-9_-]{86}$/);
  });

  it('gives a wrong password and an unknown email the same 401 invalid_credentials', async () => {
    const client = createTestClient();
    const email = await registered(client);
    const wrong = await client.postJson('/auth/login', { email, password: 'not the password at all' });
    const unknown = await client.postJson('/auth/login', { email: uniqueEmail('ghost'), password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.get('Set-Cookie')).toBeNull();
    expect(unknown.headers.get('Set-Cookie')).toBeNull();
  });

  it('refuses an unknown token_delivery value', async () => {
    const client = createTestClient();
    const response = await client.postJson('/auth/login', { email: 'a@example.test', password: DEFAULT_PASSWORD, token_delivery: 'query' });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe('invalid_request');
  });

  it('re-hashes a password stored with old parameters on the next successful login', async () => {
    const client = createTestClient();
    const email = await registered(client);
    const oldHash = await hashPassword(DEFAULT_PASSWORD, { ...CURRENT_PASSWORD_PARAMETERS, iterations: 10_000 });
    await (await databaseForEmail(client.env, email)).prepare('UPDATE users SET password_hash = ?1 WHERE email = ?2').bind(oldHash, email).run();
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
    const row = await (await databaseForEmail(client.env, email)).prepare('SELECT password_hash FROM users WHERE email = ?1').bind(email).first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it('records the user agent of the new session', async () => {
    const client = createTestClient();
    const email = await registered(client);
    const response = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD }, { 'User-Agent': 'edge-auth-test/1.0' });
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    const me = (await (await getMe(client, accessToken)).json()) as { session_id: string };
    const row = await databaseForKey(client.env, me.session_id).prepare('SELECT user_agent FROM sessions WHERE id = ?1').bind(me.session_id).first<{ user_agent: string }>();
    expect(row?.user_agent).toBe('edge-auth-test/1.0');
  });
});
