// The shard map: strict parsing of D1_SHARDS, and weighted rendezvous assignment of new users.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { databaseForKey, databaseForShard, isKnownShard } from '../../src/storage/database';
import { homeShardOf, parseShardMap } from '../../src/core/shard-map';

const emails = Array.from({ length: 2000 }, (_, index) => `user${index}@example.test`);

async function homes(mapText: string): Promise<string[]> {
  const map = parseShardMap(mapText);
  return Promise.all(emails.map((email) => homeShardOf(map, `email:${email}`)));
}

function share(assigned: string[], shard: string): number {
  return assigned.filter((home) => home === shard).length / assigned.length;
}

describe('D1_SHARDS', () => {
  it('defaults to one shard, 00 on DB, when unset or empty', () => {
    for (const text of [undefined, '', '  ']) {
      const map = parseShardMap(text);
      expect(map.shards).toEqual([{ id: '00', binding: 'DB', weight: 1 }]);
    }
  });

  it('reads ids, bindings and weights, weight 1 when not given', () => {
    expect(parseShardMap('00=DB, 01=DB_01:3,02=DB_02:0').shards).toEqual([
      { id: '00', binding: 'DB', weight: 1 },
      { id: '01', binding: 'DB_01', weight: 3 },
      { id: '02', binding: 'DB_02', weight: 0 },
    ]);
    expect(parseShardMap('00=DB,01=DB_01:3,02=DB_02:0').growing.map((shard) => shard.id)).toEqual(['00', '01']);
  });

  it('refuses malformed maps with an error naming the variable', () => {
    for (const text of ['00=db', '0=DB', '00=DB,00=DB_01', '00=DB,01=DB', '01=DB_01', '00=DB_00', '00=DB:0', '00=DB:1001', '00=DB;01=DB_01', '00=DB,01=DB_01:x', '00=DB,']) {
      expect(() => parseShardMap(text), text).toThrow(/D1_SHARDS/);
    }
  });
});

describe('assignment of new users (weighted rendezvous hashing of the normalised email)', () => {
  it('gives an email the same shard every time', async () => {
    const map = parseShardMap('00=DB,01=DB_01,02=DB_02,03=DB_03');
    const first = await homeShardOf(map, 'email:ada@example.test');
    for (let round = 0; round < 5; round++) expect(await homeShardOf(map, 'email:ada@example.test')).toBe(first);
  });

  it('spreads new users by weight, within a few percent', async () => {
    const assigned = await homes('00=DB,01=DB_01,02=DB_02:2');
    expect(share(assigned, '00')).toBeCloseTo(0.25, 1);
    expect(share(assigned, '01')).toBeCloseTo(0.25, 1);
    expect(share(assigned, '02')).toBeCloseTo(0.5, 1);
    for (const [shard, expected] of [['00', 0.25], ['01', 0.25], ['02', 0.5]] as const) expect(Math.abs(share(assigned, shard) - expected)).toBeLessThan(0.04);
  });

  it('moves no existing email when a shard is added: an email changes home only to the new shard', async () => {
    const before = await homes('00=DB,01=DB_01,02=DB_02');
    const after = await homes('00=DB,01=DB_01,02=DB_02,03=DB_03');
    const moved = before.filter((home, index) => after[index] !== home).length / before.length;
    before.forEach((home, index) => expect([home, '03']).toContain(after[index]));
    expect(moved).toBeGreaterThan(0.2);
    expect(moved).toBeLessThan(0.3);
  });

  it('sends no new user to a weight-0 shard, and turning a shard to weight 0 moves only its own emails', async () => {
    const full = await homes('00=DB,01=DB_01:0,02=DB_02');
    expect(full).not.toContain('01');
    const before = await homes('00=DB,01=DB_01,02=DB_02');
    before.forEach((home, index) => {
      if (home !== '01') expect(full[index]).toBe(home);
    });
  });
});

describe('routing by shard prefix', () => {
  it('sends shard 00 to DB and refuses a prefix the map does not know with 401 invalid_token', () => {
    expect(databaseForShard(env, '00')).toBe(env.DB);
    expect(databaseForKey(env, '00.abc')).toBe(env.DB);
    expect(isKnownShard(env, 'zz')).toBe(false);
    expect(isKnownShard(env, null)).toBe(false);
    expect(() => databaseForKey(env, 'zz.abc')).toThrow(expect.objectContaining({ code: 'invalid_token', status: 401 }));
  });
});
