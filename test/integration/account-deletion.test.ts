// POST /auth/account/delete: the user and everything stored about them are gone; every access token is refused.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashAddressForMailLimit } from '../../src/account/email-links';
import { hashEmailForThrottle } from '../../src/password/throttle';
import { revocationKey } from '../../src/core/revocation-key';
import { DEFAULT_PASSWORD, getMe, logIn, refreshWithCookie, uniqueEmail } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { databaseForEmail, databaseForKey } from '../../src/storage/database';

async function errorOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

function deleteAccount(client: MailTestClient, accessToken: string, body?: Record<string, unknown>): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${accessToken}` };
  if (body === undefined) return client.fetch('/auth/account/delete', { method: 'POST', headers });
  return client.postJson('/auth/account/delete', body, headers);
}

/** Rows left about a user in every table that holds per-user data. */
async function rowsAbout(userId: string, sessionIds: string[]): Promise<Record<string, number>> {
  const count = async (sql: string, ...values: unknown[]) => (await databaseForKey(env, userId).prepare(sql).bind(...values).first<{ n: number }>())?.n ?? -1;
  const placeholders = sessionIds.map((_, index) => `?${index + 1}`).join(', ');
  return {
    users: await count('SELECT COUNT(*) AS n FROM users WHERE id = ?1', userId),
    sessions: await count('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1', userId),
    refresh_tokens: await count(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id IN (${placeholders})`, ...sessionIds),
    email_links: await count('SELECT COUNT(*) AS n FROM email_links WHERE user_id = ?1', userId),
    auth_events: await count('SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1', userId),
  };
}

describe('POST /auth/account/delete', () => {
  it('removes the user with every row about them and refuses all their access tokens at once', async () => {
    const client = createMailTestClient();
    const email = uniqueEmail('delete');
    const registered = await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const { user } = (await registered.json()) as { user: { id: string } };
    const first = await logIn(client, email, DEFAULT_PASSWORD);
    const second = await logIn(client, email, DEFAULT_PASSWORD, 'body');
    await client.postJson('/auth/login', { email, password: 'a wrong password here' });
    const response = await deleteAccount(client, first.accessToken, { password: DEFAULT_PASSWORD });
    expect(response.status).toBe(204);
    expect(await rowsAbout(user.id, [first.sessionId, second.sessionId])).toEqual({ users: 0, sessions: 0, refresh_tokens: 0, email_links: 0, auth_events: 0 });
    const failures = await (await databaseForEmail(env, email)).prepare('SELECT COUNT(*) AS n FROM login_failures WHERE email_hash = ?1').bind(await hashEmailForThrottle(email)).first<{ n: number }>();
    expect(failures?.n).toBe(0);
    // The address's mail counter stays until it expires (deleting and registering again never resets the limit).
    const limits = await databaseForKey(env, user.id).prepare('SELECT COUNT(*) AS n FROM mail_limits WHERE address_hash = ?1').bind(await hashAddressForMailLimit(email)).first<{ n: number }>();
    expect(limits?.n).toBe(1);
    expect((await getMe(client, first.accessToken)).status).toBe(401);
    expect((await getMe(client, second.accessToken)).status).toBe(401);
    expect(await env.KV.get(revocationKey(second.sessionId))).not.toBeNull();
    expect((await refreshWithCookie(client, first.refreshToken)).status).toBe(401);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(401);
    expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
  });

  it('refuses a missing password (403 reauthentication_required) or a wrong one (401 invalid_credentials) and deletes nothing', async () => {
    const client = createMailTestClient();
    const email = uniqueEmail('keep');
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const session = await logIn(client, email, DEFAULT_PASSWORD);
    expect(await errorOf(await deleteAccount(client, session.accessToken))).toBe('reauthentication_required');
    expect(await errorOf(await deleteAccount(client, session.accessToken, { password: 'this is not it' }))).toBe('invalid_credentials');
    expect((await getMe(client, session.accessToken)).status).toBe(200);
    expect((await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });

  it('needs a bearer token (401)', async () => {
    const client = createMailTestClient();
    expect((await client.postJson('/auth/account/delete', { password: DEFAULT_PASSWORD })).status).toBe(401);
  });
});
