// POST /auth/password/forgot and POST /auth/password/reset.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, getMe, logIn, refreshWithCookie, uniqueEmail } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { databaseForEmail } from '../../src/storage/database';

const NEW_PASSWORD = 'a brand new passphrase';

async function registerAndSignIn(client: MailTestClient, email = uniqueEmail('reset')) {
  expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
  const session = await logIn(client, email, DEFAULT_PASSWORD);
  // The register mail counts for its own purpose only; move past its minute anyway.
  client.clock.advanceSeconds(61);
  return { email, ...session };
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

function forgot(client: MailTestClient, email: string): Promise<Response> {
  return client.postJson('/auth/password/forgot', { email });
}

function reset(client: MailTestClient, token: string, password = NEW_PASSWORD): Promise<Response> {
  return client.postJson('/auth/password/reset', { token, new_password: password });
}

function comparableHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
}

describe('POST /auth/password/forgot', () => {
  it('answers 202 {} and queues a reset link that opens /reset-password#token=', async () => {
    const client = createMailTestClient();
    const { email } = await registerAndSignIn(client);
    const response = await forgot(client, email.toUpperCase());
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({});
    const [message] = client.mailbox.to(email).filter((mail) => mail.kind === 'password_reset');
    expect(message?.link).toMatch(/\/reset-password#token=[0-9a-z]{2}\.[A-Za-z0-9_-]{43}$/);
    expect(message?.text).toContain('30 minutes');
  });

  it('answers an address without an account identically (status, body, headers) and sends nothing', async () => {
    const client = createMailTestClient();
    const { email } = await registerAndSignIn(client);
    const known = await forgot(client, email);
    const unknown = await forgot(client, uniqueEmail('nobody'));
    expect(unknown.status).toBe(known.status);
    expect(await unknown.text()).toBe(await known.text());
    expect(comparableHeaders(unknown)).toEqual(comparableHeaders(known));
    expect(client.mailbox.messages.filter((mail) => mail.kind === 'password_reset')).toHaveLength(1);
  });

  it('limits every address alike: a second request within a minute gets 429, with or without an account', async () => {
    const client = createMailTestClient();
    const { email } = await registerAndSignIn(client);
    const nobody = uniqueEmail('nobody');
    expect((await forgot(client, email)).status).toBe(202);
    expect((await forgot(client, nobody)).status).toBe(202);
    const [known, unknown] = [await forgot(client, email), await forgot(client, nobody)];
    expect([known.status, unknown.status]).toEqual([429, 429]);
    expect(known.headers.get('Retry-After')).toBe(unknown.headers.get('Retry-After'));
    expect(await known.text()).toBe(await unknown.text());
  });

  it('refuses a malformed address with 400 invalid_request', async () => {
    const client = createMailTestClient();
    const response = await client.postJson('/auth/password/forgot', { email: 'not an address' });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe('invalid_request');
  });
});

describe('POST /auth/password/reset', () => {
  it('sets the new password, revokes every session, marks the address verified', async () => {
    const client = createMailTestClient();
    const { email, accessToken, refreshToken } = await registerAndSignIn(client);
    await forgot(client, email);
    const response = await reset(client, client.mailbox.latestToken(email));
    expect(response.status).toBe(204);
    expect((await getMe(client, accessToken)).status).toBe(401);
    expect((await refreshWithCookie(client, refreshToken)).status).toBe(401);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(401);
    const fresh = await logIn(client, email, NEW_PASSWORD);
    const me = (await (await getMe(client, fresh.accessToken)).json()) as { user: { email_verified: boolean } };
    expect(me.user.email_verified).toBe(true);
  });

  it('lets exactly one of two concurrent uses of one link succeed', async () => {
    const client = createMailTestClient();
    const { email } = await registerAndSignIn(client);
    await forgot(client, email);
    const token = client.mailbox.latestToken(email);
    const statuses = (await Promise.all([reset(client, token), reset(client, token, 'yet another passphrase')])).map((r) => r.status).sort();
    expect(statuses).toEqual([204, 400]);
  });

  it('refuses a link superseded by a newer one', async () => {
    const client = createMailTestClient();
    const { email } = await registerAndSignIn(client);
    await forgot(client, email);
    const first = client.mailbox.latestToken(email);
    client.clock.advanceSeconds(61);
    await forgot(client, email);
    expect(await errorOf(await reset(client, first))).toBe('invalid_link');
    expect((await reset(client, client.mailbox.latestToken(email))).status).toBe(204);
  });

  it('refuses a link used after a password change', async () => {
    const client = createMailTestClient();
    const { email, accessToken } = await registerAndSignIn(client);
    await forgot(client, email);
    const token = client.mailbox.latestToken(email);
    const changed = await client.postJson('/auth/password', { current_password: DEFAULT_PASSWORD, new_password: 'changed in between' }, { Authorization: `Bearer ${accessToken}` });
    expect(changed.status).toBe(204);
    expect(await errorOf(await reset(client, token))).toBe('invalid_link');
  });

  it('refuses an expired link on the injected clock (PASSWORD_RESET_TTL_SECONDS)', async () => {
    const client = createMailTestClient({ vars: { PASSWORD_RESET_TTL_SECONDS: '300' } });
    const { email } = await registerAndSignIn(client);
    await forgot(client, email);
    const token = client.mailbox.latestToken(email);
    client.clock.advanceSeconds(301);
    expect(await errorOf(await reset(client, token))).toBe('invalid_link');
  });

  it('refuses a reset link that arrives after the account was deleted', async () => {
    const client = createMailTestClient();
    const { email, accessToken } = await registerAndSignIn(client);
    await forgot(client, email);
    const token = client.mailbox.latestToken(email);
    const deleted = await client.postJson('/auth/account/delete', { password: DEFAULT_PASSWORD }, { Authorization: `Bearer ${accessToken}` });
    expect(deleted.status).toBe(204);
    const response = await reset(client, token);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe('invalid_link');
    expect((await client.postJson('/auth/login', { email, password: NEW_PASSWORD })).status).toBe(401);
  });

  it('refuses a weak password with 400 weak_password and leaves the link usable', async () => {
    const client = createMailTestClient();
    const { email } = await registerAndSignIn(client);
    await forgot(client, email);
    const token = client.mailbox.latestToken(email);
    const weak = await reset(client, token, 'password123');
    expect(weak.status).toBe(400);
    expect(await errorOf(weak)).toBe('weak_password');
    expect((await reset(client, token)).status).toBe(204);
  });

  it('refuses a verification link: a token works only for its purpose', async () => {
    const client = createMailTestClient();
    const { email } = await registerAndSignIn(client);
    expect(await errorOf(await reset(client, client.mailbox.latestToken(email)))).toBe('invalid_link');
    const row = await (await databaseForEmail(env, email)).prepare("SELECT COUNT(*) AS n FROM email_links WHERE purpose = 'verify_email' AND email = ?1").bind(email).first<{ n: number }>();
    expect(row?.n).toBe(1);
  });
});
