// Lookups that name what is no longer there: a directory entry whose user moved on, an mfa_token naming no shard.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOf } from '../../src/core/ids';
import { shardForEmail } from '../../src/storage/database';
import { claimDirectoryKey, emailDirectoryKey } from '../../src/storage/directory';
import { createTestClient, DEFAULT_PASSWORD, signUpAndLogIn, uniqueEmail } from '../helpers/client';
import { captureLogs, type LogCapture } from '../helpers/log-capture';

let logs: LogCapture | undefined;
afterEach(() => logs?.restore());

// Two shards on one database (a second binding of it): the directory is consulted even when the suite runs with one shard.
function twoShardClient() {
  return createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0', D1_SHARDS: '00=DB,01=DB_TWIN' }, bindings: { DB_TWIN: env.DB } });
}

describe('POST /auth/login and a stale directory entry', () => {
  it('treats an address whose directory entry names a user without that address as unknown, and logs the shard and user id only', async () => {
    const client = twoShardClient();
    const owner = await signUpAndLogIn(client);
    let stale = uniqueEmail('stale');
    while ((await shardForEmail(client.env, stale)) === shardOf(owner.userId)) stale = uniqueEmail('stale');
    expect(await claimDirectoryKey(client.env, emailDirectoryKey(stale), owner.userId, Math.floor(Date.now() / 1000))).toBe(true);
    logs = captureLogs();
    const response = await client.postJson('/auth/login', { email: stale, password: DEFAULT_PASSWORD });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_credentials' });
    const lines = logs.records().filter((record) => record.event === 'stale_directory_entry');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ shard: shardOf(owner.userId), user_id: owner.userId });
    expect(JSON.stringify(lines[0])).not.toContain(stale);
    expect(JSON.stringify(lines[0])).not.toContain(owner.email);
  });

  it('still follows an entry whose user has the address', async () => {
    const client = twoShardClient();
    const owner = await signUpAndLogIn(client);
    expect((await client.postJson('/auth/login', { email: owner.email, password: DEFAULT_PASSWORD })).status).toBe(200);
  });
});

describe('POST /auth/login/mfa with a token naming no shard', () => {
  it('answers 401 invalid_mfa_token, like any other unusable mfa_token', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const response = await client.postJson('/auth/login/mfa', { mfa_token: `zz.${'A'.repeat(43)}`, code: '123456' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_mfa_token' });
  });
});
