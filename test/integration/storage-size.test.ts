// Bytes of D1 storage per account and per session (docs/scale.md builds its capacity model on these), measured with D1's own size_after.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { databaseForShard } from '../../src/storage/database';
import { DEFAULT_PASSWORD, createTestClient, logIn, uniqueEmail } from '../helpers/client';

const ACCOUNTS = 60;
/** Upper bounds docs/scale.md relies on (with room for page fill): measured about 960 and 410 bytes (2026-12-02). */
const MAX_BYTES_PER_ACCOUNT = 1_500;
const MAX_BYTES_PER_SESSION = 1_000;

async function databaseBytes(db: D1Database): Promise<number> {
  // A write reports the whole database's size after it (pages in use, indexes included).
  const result = await db.prepare('DELETE FROM mail_limits WHERE address_hash = ?1').bind('none').run();
  return result.meta.size_after;
}

describe('D1 storage per account and per session', () => {
  it(`stays under ${MAX_BYTES_PER_ACCOUNT} bytes per account (with its directory entry and sign-up event) and ${MAX_BYTES_PER_SESSION} per session`, async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0', D1_SHARDS: '00=DB' } });
    const db = databaseForShard(env, '00');
    const emails = Array.from({ length: ACCOUNTS }, () => uniqueEmail('size'));
    const before = await databaseBytes(db);
    for (const email of emails) expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
    const afterAccounts = await databaseBytes(db);
    for (const email of emails) await logIn(client, email, DEFAULT_PASSWORD, 'body');
    const afterSessions = await databaseBytes(db);
    const perAccount = (afterAccounts - before) / ACCOUNTS;
    const perSession = (afterSessions - afterAccounts) / ACCOUNTS;
    console.log(`D1 bytes per account ${perAccount.toFixed(0)}, per session (with its sign-in event and claim) ${perSession.toFixed(0)}`);
    expect(perAccount).toBeGreaterThan(0);
    expect(perAccount).toBeLessThan(MAX_BYTES_PER_ACCOUNT);
    expect(perSession).toBeGreaterThan(0);
    expect(perSession).toBeLessThan(MAX_BYTES_PER_SESSION);
  });
});
