// The directory claim and owner-shard routing under a four-shard map built in the test (every shard on the one DB), so the 1-shard pass checks them too.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { shardForEmail, type StorageBindings } from '../../src/storage/database';
import { claimDirectoryKey, emailDirectoryKey, findDirectoryEntry, releaseDirectoryKey, shardOfEmailOwner } from '../../src/storage/directory';

/** Four shards by name; one real database behind them all, so routing is decided by the map alone. */
const FOUR_SHARDS = { DB: env.DB, DB_X1: env.DB, DB_X2: env.DB, DB_X3: env.DB, KV: env.KV, D1_SHARDS: '00=DB,01=DB_X1,02=DB_X2,03=DB_X3' } as unknown as StorageBindings;
const NOW = 1_800_000_000;
const claimed: { key: string; userId: string }[] = [];

async function claim(key: string, userId: string): Promise<boolean> {
  const won = await claimDirectoryKey(FOUR_SHARDS, key, userId, NOW);
  if (won) claimed.push({ key, userId });
  return won;
}

/** An address whose home shard is not `shard`. */
async function emailNotHomedOn(shard: string): Promise<string> {
  for (;;) {
    const email = `routing-${crypto.randomUUID()}@example.test`;
    if ((await shardForEmail(FOUR_SHARDS, email)) !== shard) return email;
  }
}

afterEach(async () => {
  for (const entry of claimed.splice(0)) await releaseDirectoryKey(FOUR_SHARDS, entry.key, entry.userId);
});

describe('claimDirectoryKey', () => {
  it('gives a key to the first user who claims it and never hands it over to a second', async () => {
    const key = emailDirectoryKey(`claim-${crypto.randomUUID()}@example.test`);
    expect(await claim(key, '01.first-owner')).toBe(true);
    expect(await claim(key, '02.second-claimant')).toBe(false);
    expect(await findDirectoryEntry(FOUR_SHARDS, key)).toBe('01.first-owner');
    expect(await claim(key, '01.first-owner')).toBe(true);
  });

  it('is released only by the user who holds it', async () => {
    const key = emailDirectoryKey(`release-${crypto.randomUUID()}@example.test`);
    expect(await claim(key, '01.holder')).toBe(true);
    await releaseDirectoryKey(FOUR_SHARDS, key, '03.someone-else');
    expect(await findDirectoryEntry(FOUR_SHARDS, key)).toBe('01.holder');
    await releaseDirectoryKey(FOUR_SHARDS, key, '01.holder');
    expect(await findDirectoryEntry(FOUR_SHARDS, key)).toBeNull();
  });
});

describe('shardOfEmailOwner', () => {
  it('routes an address to the shard of the user its directory entry names, not to its home shard', async () => {
    const email = await emailNotHomedOn('02');
    expect(await claim(emailDirectoryKey(email), '02.moved-owner')).toBe(true);
    expect(await shardOfEmailOwner(FOUR_SHARDS, email)).toBe('02');
  });

  it('routes an address nobody owns to its home shard', async () => {
    const email = `nobody-${crypto.randomUUID()}@example.test`;
    expect(await shardOfEmailOwner(FOUR_SHARDS, email)).toBe(await shardForEmail(FOUR_SHARDS, email));
  });
});
