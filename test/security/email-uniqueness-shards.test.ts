// An address belongs to one account across every shard: the directory entry on its home shard decides, under concurrency too.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { shardOf } from '../../src/core/ids';
import { allShardDatabases, databaseForKey, shardForEmail } from '../../src/storage/database';
import { emailDirectoryKey, findDirectoryEntry } from '../../src/storage/directory';
import { DEFAULT_PASSWORD, logIn, uniqueEmail } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';

const PARALLEL = 8;
const unlimited = { vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } };

/** Users rows with this address on every shard together. */
async function usersWithEmail(email: string): Promise<string[]> {
  const found = await Promise.all(allShardDatabases(env).map(({ db }) => db.prepare('SELECT id FROM users WHERE email = ?1').bind(email).all<{ id: string }>()));
  return found.flatMap((result) => result.results.map((row) => row.id));
}

async function registerAndSignIn(client: MailTestClient, email = uniqueEmail('unique')) {
  expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
  return { email, ...(await logIn(client, email, DEFAULT_PASSWORD)) };
}

async function requestChange(client: MailTestClient, accessToken: string, newEmail: string): Promise<string> {
  const response = await client.postJson('/auth/email/change', { new_email: newEmail, password: DEFAULT_PASSWORD }, { Authorization: `Bearer ${accessToken}` });
  expect(response.status).toBe(202);
  return client.mailbox.to(newEmail).filter((mail) => mail.kind === 'email_change').at(-1)!.link!.split('#token=')[1]!;
}

/** An address whose home shard is not this one (with one shard there is none: the address is returned anyway). */
async function addressHomedAwayFrom(shard: string | null): Promise<string> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const candidate = uniqueEmail('elsewhere');
    if ((await shardForEmail(env, candidate)) !== shard || allShardDatabases(env).length === 1) return candidate;
  }
  throw new Error('no address homed on another shard');
}

describe('email uniqueness across shards', () => {
  it(`lets exactly one of ${PARALLEL} parallel registrations of one address (in differing case) through`, async () => {
    const client = createMailTestClient(unlimited);
    const email = uniqueEmail('race');
    const spellings = Array.from({ length: PARALLEL }, (_, index) => (index % 2 === 0 ? email.toUpperCase() : email));
    const responses = await Promise.all(spellings.map((spelling) => client.postJson('/auth/register', { email: spelling, password: DEFAULT_PASSWORD })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(PARALLEL - 1).fill(409)]);
    const owners = await usersWithEmail(email);
    expect(owners).toHaveLength(1);
    expect(await findDirectoryEntry(env, emailDirectoryKey(email))).toBe(owners[0]);
    expect(shardOf(owners[0]!)).toBe(await shardForEmail(env, email));
  });

  it('lets exactly one of two concurrent email changes to one address win; the loser keeps its address', async () => {
    const client = createMailTestClient(unlimited);
    const first = await registerAndSignIn(client);
    const second = await registerAndSignIn(client);
    const target = uniqueEmail('wanted');
    const firstToken = await requestChange(client, first.accessToken, target);
    // One link a minute per address: the second request comes after the wait.
    client.clock.advanceSeconds(120);
    const tokens = [firstToken, await requestChange(client, second.accessToken, target)];
    const responses = await Promise.all(tokens.map((token) => client.postJson('/auth/email/verify', { token })));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const owners = await usersWithEmail(target);
    expect(owners).toHaveLength(1);
    expect(await findDirectoryEntry(env, emailDirectoryKey(target))).toBe(owners[0]);
    const winner = responses[0]!.status === 200 ? first : second;
    const loser = winner === first ? second : first;
    expect((await client.postJson('/auth/login', { email: target, password: DEFAULT_PASSWORD })).status).toBe(200);
    expect((await client.postJson('/auth/login', { email: loser.email, password: DEFAULT_PASSWORD })).status).toBe(200);
    expect((await client.postJson('/auth/login', { email: winner.email, password: DEFAULT_PASSWORD })).status).toBe(401);
    expect(await findDirectoryEntry(env, emailDirectoryKey(winner.email))).toBeNull();
  });

  it('lets a registration and an email change race for one address: exactly one account ends up with it', async () => {
    const client = createMailTestClient(unlimited);
    const mover = await registerAndSignIn(client);
    const target = uniqueEmail('raced');
    const token = await requestChange(client, mover.accessToken, target);
    const [used, registered] = await Promise.all([
      client.postJson('/auth/email/verify', { token }),
      client.postJson('/auth/register', { email: target.toUpperCase(), password: DEFAULT_PASSWORD }),
    ]);
    const outcome = `${used.status}/${registered.status}`;
    expect(['200/409', '409/201']).toContain(outcome);
    expect(await usersWithEmail(target)).toHaveLength(1);
  });

  it('moves an account to an address homed on another shard: it signs in there, its rows stay on its own shard, the old address is free', async () => {
    const client = createMailTestClient(unlimited);
    const user = await registerAndSignIn(client);
    const userId = (await usersWithEmail(user.email))[0]!;
    const target = await addressHomedAwayFrom(shardOf(userId));
    expect((await client.postJson('/auth/email/verify', { token: await requestChange(client, user.accessToken, target) })).status).toBe(200);
    const session = await logIn(client, target, DEFAULT_PASSWORD);
    expect(shardOf(session.sessionId)).toBe(shardOf(userId));
    const row = await databaseForKey(env, userId).prepare('SELECT user_id FROM sessions WHERE id = ?1').bind(session.sessionId).first<{ user_id: string }>();
    expect(row?.user_id).toBe(userId);
    expect((await client.postJson('/auth/register', { email: target, password: DEFAULT_PASSWORD })).status).toBe(409);
    expect((await client.postJson('/auth/register', { email: user.email, password: DEFAULT_PASSWORD })).status).toBe(201);
  });

  it('mails a reset link to an account living off its address home shard, and the reset works', async () => {
    const client = createMailTestClient(unlimited);
    const user = await registerAndSignIn(client);
    const userId = (await usersWithEmail(user.email))[0]!;
    const target = await addressHomedAwayFrom(shardOf(userId));
    expect((await client.postJson('/auth/email/verify', { token: await requestChange(client, user.accessToken, target) })).status).toBe(200);
    expect((await client.postJson('/auth/password/forgot', { email: target })).status).toBe(202);
    const link = client.mailbox.to(target).filter((mail) => mail.kind === 'password_reset').at(-1)?.link ?? '';
    expect(shardOf(link.split('#token=')[1] ?? '')).toBe(shardOf(userId));
    const newPassword = 'another perfectly fine passphrase';
    expect((await client.postJson('/auth/password/reset', { token: link.split('#token=')[1], new_password: newPassword })).status).toBe(204);
    expect((await client.postJson('/auth/login', { email: target, password: newPassword })).status).toBe(200);
  });

  it('counts wrong passwords of an account living off its address home shard and locks it, with the events on its own shard', async () => {
    const client = createMailTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0', LOGIN_MAX_FAILURES: '3' } });
    const user = await registerAndSignIn(client);
    const userId = (await usersWithEmail(user.email))[0]!;
    const target = await addressHomedAwayFrom(shardOf(userId));
    expect((await client.postJson('/auth/email/verify', { token: await requestChange(client, user.accessToken, target) })).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt++) expect((await client.postJson('/auth/login', { email: target, password: 'not the passphrase at all' })).status).toBe(401);
    expect((await client.postJson('/auth/login', { email: target, password: DEFAULT_PASSWORD })).status).toBe(429);
    const events = await databaseForKey(env, userId).prepare("SELECT type FROM auth_events WHERE user_id = ?1 AND type IN ('login_failed', 'lockout')").bind(userId).all<{ type: string }>();
    expect(events.results.filter((event) => event.type === 'login_failed')).toHaveLength(3);
    expect(events.results.filter((event) => event.type === 'lockout')).toHaveLength(1);
  });
});

describe('routing by shard', () => {
  it('puts each new user, their sessions and events on the shard their id names', async () => {
    const client = createMailTestClient(unlimited);
    const shards = new Set<string>();
    for (let index = 0; index < 12; index++) {
      const user = await registerAndSignIn(client);
      const userId = (await usersWithEmail(user.email))[0]!;
      shards.add(shardOf(userId)!);
      expect(shardOf(user.sessionId)).toBe(shardOf(userId));
      const db = databaseForKey(env, userId);
      expect(await db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1').bind(userId).first('n')).toBe(1);
      expect(await db.prepare("SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1 AND type = 'login_succeeded'").bind(userId).first('n')).toBe(1);
    }
    expect(shards.size).toBe(Math.min(allShardDatabases(env).length, shards.size));
    if (allShardDatabases(env).length === 4) expect(shards.size).toBeGreaterThan(1);
  });

  it('refuses a refresh token or link whose prefix names no shard with the usual 4xx', async () => {
    const client = createMailTestClient(unlimited);
    const { refreshToken } = await registerAndSignIn(client);
    const forged = `zz.${refreshToken.slice(3)}`;
    const refreshed = await client.postJson('/auth/refresh', { refresh_token: forged });
    expect(refreshed.status).toBe(401);
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_refresh_token');
    const linked = await client.postJson('/auth/email/verify', { token: `zz.${'A'.repeat(43)}` });
    expect(linked.status).toBe(400);
  });
});

describe('ids naming no shard', () => {
  it('answers an admin lookup and a session deletion for an id with an unknown prefix 404, not 401', async () => {
    const client = createMailTestClient(unlimited);
    const admin = await registerAndSignIn(client);
    const adminId = (await usersWithEmail(admin.email))[0]!;
    await databaseForKey(env, adminId).prepare(`UPDATE users SET roles = '["admin"]' WHERE id = ?1`).bind(adminId).run();
    const { accessToken } = await logIn(client, admin.email, DEFAULT_PASSWORD);
    const headers = { Authorization: `Bearer ${accessToken}` };
    expect((await client.fetch('/admin/users/zz.nobody/revoke-sessions', { method: 'POST', headers })).status).toBe(404);
    expect((await client.fetch(`/auth/sessions/zz.${'A'.repeat(22)}`, { method: 'DELETE', headers })).status).toBe(404);
  });
});
