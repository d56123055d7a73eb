// POST /auth/email/change (and its link through POST /auth/email/verify), with its proof of the account holder.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashEmailForThrottle } from '../../src/password/throttle';
import { DEFAULT_PASSWORD, logIn, uniqueEmail } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { makePasswordlessWithProvider } from '../helpers/passwordless';
import { databaseForEmail } from '../../src/storage/database';

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

  it('refuses a missing password with 403 reauthentication_required and a wrong one with 401 invalid_credentials, counted towards the lockout', async () => {
    const client = createMailTestClient({ vars: { LOGIN_MAX_FAILURES: '3' } });
    const { email, accessToken } = await registerAndSignIn(client);
    const newEmail = uniqueEmail('moved');
    expect(await errorOf(await change(client, accessToken, { new_email: newEmail }))).toBe('reauthentication_required');
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

describe('the proof of an account without a password', () => {
  it('takes no sign-in but a provider one as a proof: a password session of an account that lost its password gets 403 reauthentication_required', async () => {
    const client = createMailTestClient();
    const { email, userId } = await (async () => {
      const signedUp = await registerAndSignIn(client);
      const row = await (await databaseForEmail(env, signedUp.email)).prepare('SELECT id FROM users WHERE email = ?1').bind(signedUp.email).first<{ id: string }>();
      return { ...signedUp, userId: row?.id ?? '' };
    })();
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    await makePasswordlessWithProvider(userId, email);
    const fresh = await change(client, session.accessToken, { new_email: uniqueEmail('late') });
    expect(fresh.status).toBe(403);
    expect(await errorOf(fresh)).toBe('reauthentication_required');
    const freshDelete = await client.postJson('/auth/account/delete', {}, { Authorization: `Bearer ${session.accessToken}` });
    expect(await errorOf(freshDelete)).toBe('reauthentication_required');
  });

  it('counts a password sent for an account that has none as a wrong proof (401), and leaves no attempt pending', async () => {
    const client = createMailTestClient();
    const signedUp = await registerAndSignIn(client);
    const row = await (await databaseForEmail(env, signedUp.email)).prepare('SELECT id FROM users WHERE email = ?1').bind(signedUp.email).first<{ id: string }>();
    await makePasswordlessWithProvider(row?.id ?? '', signedUp.email);
    // Logging in took and settled a claim: start from no failure record at all.
    const emailHash = await hashEmailForThrottle(signedUp.email);
    const home = await databaseForEmail(env, signedUp.email);
    await home.prepare('DELETE FROM login_failures WHERE email_hash = ?1').bind(emailHash).run();
    expect(await errorOf(await change(client, signedUp.accessToken, { new_email: uniqueEmail('nopw'), password: 'some password sent anyway' }))).toBe('invalid_credentials');
    const record = await home.prepare('SELECT pending, failures FROM login_failures WHERE email_hash = ?1').bind(emailHash).first<{ pending: number; failures: number }>();
    expect(record).toEqual({ pending: 0, failures: 1 });
  });
});
