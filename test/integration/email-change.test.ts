// POST /auth/email/change (and its link through POST /auth/email/verify), with its step-up.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashEmailForThrottle } from '../../src/auth/throttle';
import { DEFAULT_PASSWORD, logIn, uniqueEmail } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { makePasswordlessWithProvider } from '../helpers/passwordless';
import { databaseForKey, databaseForEmail } from '../../src/storage/database';

async function registerAndSignIn(client: MailTestClient, email = uniqueEmail('change')) {
  expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
  return { email, ...(await logIn(client, email, DEFAULT_PASSWORD)) };
}

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

function change(client: MailTestClient, accessToken: string, body: Record<string, unknown>): Promise<Response> {
  return client.postJson('/auth/email/change', body, { Authorization: `Bearer ${accessToken}` });
}

describe('POST /auth/email/change', () => {
  it('sends a link to the new address and a notice to the old one; the address changes only when the link is used', async () => {
    const client = createMailTestClient();
    const { email, accessToken } = await registerAndSignIn(client);
    const newEmail = uniqueEmail('moved');
    const response = await change(client, accessToken, { new_email: newEmail, password: DEFAULT_PASSWORD });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({});
    const [notice] = client.mailbox.to(email).filter((mail) => mail.kind === 'email_change_notice');
    expect(notice?.link).toBeNull();
    expect(notice?.text).toContain(newEmail);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
    const used = await client.postJson('/auth/email/verify', { token: client.mailbox.latestToken(newEmail) });
    expect(used.status).toBe(200);
    expect(((await used.json()) as { user: { email: string; email_verified: boolean } }).user).toMatchObject({ email: newEmail, email_verified: true });
    expect((await client.postJson('/auth/login', { email: newEmail, password: DEFAULT_PASSWORD })).status).toBe(200);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(401);
  });

  it('answers 409 email_taken when another account has the new address', async () => {
    const client = createMailTestClient();
    const { accessToken } = await registerAndSignIn(client);
    const other = await registerAndSignIn(client);
    const response = await change(client, accessToken, { new_email: other.email, password: DEFAULT_PASSWORD });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toBe('email_taken');
  });

  it('answers 409 email_taken when the new address was taken by the time the link is used', async () => {
    const client = createMailTestClient();
    const { email, accessToken } = await registerAndSignIn(client);
    const newEmail = uniqueEmail('contested');
    expect((await change(client, accessToken, { new_email: newEmail, password: DEFAULT_PASSWORD })).status).toBe(202);
    const token = client.mailbox.latestToken(newEmail);
    expect((await client.postJson('/auth/register', { email: newEmail, password: DEFAULT_PASSWORD })).status).toBe(201);
    const response = await client.postJson('/auth/email/verify', { token });
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toBe('email_taken');
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it('refuses a missing or wrong password with 401 invalid_credentials, and wrong ones count towards the lockout', async () => {
    const client = createMailTestClient({ vars: { LOGIN_MAX_FAILURES: '3' } });
    const { email, accessToken } = await registerAndSignIn(client);
    const newEmail = uniqueEmail('moved');
    expect(await errorOf(await change(client, accessToken, { new_email: newEmail }))).toBe('invalid_credentials');
    for (let attempt = 0; attempt < 3; attempt++) {
      const wrong = await change(client, accessToken, { new_email: newEmail, password: 'not my password at all' });
      expect(wrong.status).toBe(401);
    }
    expect((await change(client, accessToken, { new_email: newEmail, password: DEFAULT_PASSWORD })).status).toBe(429);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(429);
    expect(client.mailbox.to(newEmail)).toHaveLength(0);
  });

  it('refuses a bad or unchanged address with 400 invalid_request', async () => {
    const client = createMailTestClient();
    const { email, accessToken } = await registerAndSignIn(client);
    expect(await errorOf(await change(client, accessToken, { new_email: 'nope', password: DEFAULT_PASSWORD }))).toBe('invalid_request');
    expect(await errorOf(await change(client, accessToken, { new_email: email.toUpperCase(), password: DEFAULT_PASSWORD }))).toBe('invalid_request');
  });

  it('supersedes an email-change link with a newer one', async () => {
    const client = createMailTestClient();
    const { accessToken } = await registerAndSignIn(client);
    const [first, second] = [uniqueEmail('first'), uniqueEmail('second')];
    expect((await change(client, accessToken, { new_email: first, password: DEFAULT_PASSWORD })).status).toBe(202);
    const firstToken = client.mailbox.latestToken(first);
    client.clock.advanceSeconds(61);
    expect((await change(client, accessToken, { new_email: second, password: DEFAULT_PASSWORD })).status).toBe(202);
    expect(await errorOf(await client.postJson('/auth/email/verify', { token: firstToken }))).toBe('invalid_link');
    expect((await client.postJson('/auth/email/verify', { token: client.mailbox.latestToken(second) })).status).toBe(200);
  });
});

describe('step-up for an account without a password', () => {
  it('accepts a sign-in within 10 minutes and answers 403 reauthentication_required after', async () => {
    const client = createMailTestClient();
    const { email, userId } = await (async () => {
      const signedUp = await registerAndSignIn(client);
      const row = await (await databaseForEmail(env, signedUp.email)).prepare('SELECT id FROM users WHERE email = ?1').bind(signedUp.email).first<{ id: string }>();
      return { ...signedUp, userId: row?.id ?? '' };
    })();
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    await makePasswordlessWithProvider(userId, email);
    client.clock.advanceSeconds(601);
    const stale = await change(client, session.accessToken, { new_email: uniqueEmail('late') });
    expect(stale.status).toBe(403);
    expect(await errorOf(stale)).toBe('reauthentication_required');
    const staleDelete = await client.postJson('/auth/account/delete', {}, { Authorization: `Bearer ${session.accessToken}` });
    expect(await errorOf(staleDelete)).toBe('reauthentication_required');
    await databaseForKey(env, session.sessionId).prepare('UPDATE sessions SET created_at = created_at + 601 WHERE id = ?1').bind(session.sessionId).run();
    const recentToken = ((await (await client.fetch('/auth/refresh', { method: 'POST', headers: { Cookie: `edge_auth_refresh=${session.refreshToken}` } })).json()) as { access_token: string }).access_token;
    expect((await change(client, recentToken, { new_email: uniqueEmail('recent') })).status).toBe(202);
  });

  it('takes no lockout claim when a password is sent for an account that has none, so no attempt is left pending', async () => {
    const client = createMailTestClient();
    const signedUp = await registerAndSignIn(client);
    const row = await (await databaseForEmail(env, signedUp.email)).prepare('SELECT id FROM users WHERE email = ?1').bind(signedUp.email).first<{ id: string }>();
    await makePasswordlessWithProvider(row?.id ?? '', signedUp.email);
    // Logging in took and settled a claim: start from no failure record at all.
    const emailHash = await hashEmailForThrottle(signedUp.email);
    const home = await databaseForEmail(env, signedUp.email);
    await home.prepare('DELETE FROM login_failures WHERE email_hash = ?1').bind(emailHash).run();
    expect((await change(client, signedUp.accessToken, { new_email: uniqueEmail('nopw'), password: 'some password sent anyway' })).status).toBe(202);
    const record = await home.prepare('SELECT pending FROM login_failures WHERE email_hash = ?1').bind(emailHash).first<{ pending: number }>();
    expect(record?.pending ?? 0).toBe(0);
  });
});
