// POST /auth/register's verification link, POST /auth/email/verification and POST /auth/email/verify.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { decodeToken } from '../helpers/forge';
import { BASE_URL, DEFAULT_PASSWORD, getMe, logIn, refreshWithCookie, uniqueEmail } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { databaseForKey } from '../../src/storage/database';

async function register(client: MailTestClient, email = uniqueEmail('verify')): Promise<{ email: string; userId: string }> {
  const response = await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
  expect(response.status).toBe(201);
  const { user } = (await response.json()) as { user: { id: string } };
  return { email, userId: user.id };
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

function verify(client: MailTestClient, token: string): Promise<Response> {
  return client.postJson('/auth/email/verify', { token });
}

function requestLink(client: MailTestClient, accessToken: string): Promise<Response> {
  return client.fetch('/auth/email/verification', { method: 'POST', headers: { Authorization: `Bearer ${accessToken}` } });
}

describe('register sends a verification link', () => {
  it('queues one message to the new address whose link opens /verify-email with the token after #', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    const [message] = client.mailbox.to(email);
    expect(client.mailbox.to(email)).toHaveLength(1);
    expect(message?.kind).toBe('verify_email');
    expect(message?.link).toMatch(new RegExp(`^${BASE_URL}/verify-email#token=[0-9a-z]{2}\\.[A-Za-z0-9_-]{43}$`));
    expect(message?.text).toContain(message?.link);
    expect(message?.subject).toContain('edge-auth');
    expect(message?.html).not.toMatch(/<img|<script|src=/i);
  });

  it('stores only a hash of the link token', async () => {
    const client = createMailTestClient();
    const { email, userId } = await register(client);
    const token = client.mailbox.latestToken(email);
    const rows = await databaseForKey(env, userId).prepare('SELECT * FROM email_links WHERE user_id = ?1').bind(userId).all();
    expect(rows.results).toHaveLength(1);
    expect(JSON.stringify(rows.results)).not.toContain(token.slice(3));
  });

  it('uses VERIFY_EMAIL_URL and PRODUCT_NAME when they are set', async () => {
    const client = createMailTestClient({ vars: { VERIFY_EMAIL_URL: 'https://app.example.test/confirm', PRODUCT_NAME: 'Acme Notes' } });
    const { email } = await register(client);
    const [message] = client.mailbox.to(email);
    expect(message?.link).toMatch(/^https:\/\/app\.example\.test\/confirm#token=/);
    expect(message?.subject).toBe('Verify your email address for Acme Notes');
  });
});

describe('POST /auth/email/verify', () => {
  it('marks the address verified; the next access token and /auth/me say email_verified true', async () => {
    const client = createMailTestClient();
    const { email, userId } = await register(client);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    expect(decodeToken(session.accessToken).payload.email_verified).toBe(false);
    const response = await verify(client, client.mailbox.latestToken(email));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: { id: userId, email, email_verified: true } });
    const refreshed = (await (await refreshWithCookie(client, session.refreshToken)).json()) as { access_token: string };
    expect(decodeToken(refreshed.access_token).payload.email_verified).toBe(true);
    const me = (await (await getMe(client, refreshed.access_token)).json()) as { user: { email_verified: boolean } };
    expect(me.user.email_verified).toBe(true);
  });

  it('lets exactly one of two concurrent uses of one link succeed', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    const token = client.mailbox.latestToken(email);
    const statuses = (await Promise.all([verify(client, token), verify(client, token)])).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 400]);
  });

  it('refuses a link a second time with 400 invalid_link', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    const token = client.mailbox.latestToken(email);
    expect((await verify(client, token)).status).toBe(200);
    const again = await verify(client, token);
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toBe('invalid_link');
  });

  it('refuses a link superseded by a newer one', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    const first = client.mailbox.latestToken(email);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    client.clock.advanceSeconds(61);
    expect((await requestLink(client, session.accessToken)).status).toBe(202);
    const second = client.mailbox.latestToken(email);
    expect(second).not.toBe(first);
    expect(await errorOf(await verify(client, first))).toBe('invalid_link');
    expect((await verify(client, second)).status).toBe(200);
  });

  it('refuses an expired link on the injected clock', async () => {
    const client = createMailTestClient({ vars: { EMAIL_VERIFICATION_TTL_SECONDS: '600' } });
    const { email } = await register(client);
    client.clock.advanceSeconds(601);
    expect(await errorOf(await verify(client, client.mailbox.latestToken(email)))).toBe('invalid_link');
  });

  it('refuses a link issued before a password change', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    const token = client.mailbox.latestToken(email);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    const changed = await client.postJson('/auth/password', { current_password: DEFAULT_PASSWORD, new_password: 'another fine passphrase' }, { Authorization: `Bearer ${session.accessToken}` });
    expect(changed.status).toBe(204);
    expect(await errorOf(await verify(client, token))).toBe('invalid_link');
  });

  it.each([['malformed', 'not-a-token'], ['unknown', `00.${'A'.repeat(43)}`], ['empty', '']])('answers a %s token with 400 (never 5xx)', async (_, token) => {
    const client = createMailTestClient();
    const response = await verify(client, token);
    expect(response.status).toBe(400);
    expect(['invalid_link', 'invalid_request']).toContain(await errorOf(response));
  });

  it('refuses a password-reset link: a token works only for its purpose', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    client.clock.advanceSeconds(61);
    expect((await client.postJson('/auth/password/forgot', { email })).status).toBe(202);
    expect(await errorOf(await verify(client, client.mailbox.latestToken(email)))).toBe('invalid_link');
  });
});

describe('POST /auth/email/verification', () => {
  it('needs a bearer token (401)', async () => {
    const client = createMailTestClient();
    expect((await client.fetch('/auth/email/verification', { method: 'POST' })).status).toBe(401);
  });

  it('answers 202 {} and sends nothing when the address is already verified', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    expect((await verify(client, client.mailbox.latestToken(email))).status).toBe(200);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    client.clock.advanceSeconds(61);
    const response = await requestLink(client, session.accessToken);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({});
    expect(client.mailbox.to(email)).toHaveLength(1);
  });

  it('allows one link per address per minute (429 with Retry-After) and a few per hour', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    const limited = await requestLink(client, session.accessToken);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    for (let sent = 1; sent < 5; sent++) {
      client.clock.advanceSeconds(61);
      expect((await requestLink(client, session.accessToken)).status).toBe(202);
    }
    client.clock.advanceSeconds(61);
    const hourly = await requestLink(client, session.accessToken);
    expect(hourly.status).toBe(429);
    expect(Number(hourly.headers.get('Retry-After'))).toBeGreaterThan(60);
    expect(client.mailbox.to(email)).toHaveLength(5);
  });
});

describe('REQUIRE_EMAIL_VERIFICATION', () => {
  it('answers a correct password on an unverified account with 403 email_not_verified, and signs in once verified', async () => {
    const client = createMailTestClient({ vars: { REQUIRE_EMAIL_VERIFICATION: 'true' } });
    const { email } = await register(client);
    const refused = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD });
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toBe('email_not_verified');
    const wrong = await client.postJson('/auth/login', { email, password: 'not the password at all' });
    expect(await errorOf(wrong)).toBe('invalid_credentials');
    expect((await verify(client, client.mailbox.latestToken(email))).status).toBe(200);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it('gives the attempt back when it refuses a correct password, so retries before verifying are never locked out', async () => {
    const client = createMailTestClient({ vars: { REQUIRE_EMAIL_VERIFICATION: 'true', LOGIN_MAX_FAILURES: '3' } });
    const { email } = await register(client);
    for (let attempt = 0; attempt < 6; attempt++) {
      const refused = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD });
      expect(await errorOf(refused)).toBe('email_not_verified');
    }
  });
});

describe('access token sign-in claims', () => {
  it('carries auth_time (the sign-in) and amr ["pwd"], kept across refreshes', async () => {
    const client = createMailTestClient();
    const { email } = await register(client);
    const signedInAt = Math.floor(client.clock.now() / 1000);
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    expect(decodeToken(session.accessToken).payload).toMatchObject({ auth_time: signedInAt, amr: ['pwd'], email_verified: false });
    client.clock.advanceSeconds(120);
    const refreshed = (await (await refreshWithCookie(client, session.refreshToken)).json()) as { access_token: string };
    expect(decodeToken(refreshed.access_token).payload).toMatchObject({ auth_time: signedInAt, amr: ['pwd'] });
  });
});
