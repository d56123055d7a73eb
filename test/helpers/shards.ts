// Reading rows on every shard at once, for tests that count or scan whole tables (per-user rows go through databaseForKey).
import { env } from 'cloudflare:workers';
import { allShardDatabases } from '../../src/storage/database';

/** The sum of a `SELECT COUNT(*) AS n ...` over every shard's database. */
export async function countOnEveryShard(sql: string, ...values: unknown[]): Promise<number> {
  const counts = await Promise.all(allShardDatabases(env).map(({ db }) => db.prepare(sql).bind(...values).first<number>('n')));
  return counts.reduce<number>((total, count) => total + (count ?? 0), 0);
}

/** The rows of a query on every shard's database, shard 00 first. */
export async function rowsOnEveryShard<T = Record<string, unknown>>(sql: string, ...values: unknown[]): Promise<T[]> {
  const results = await Promise.all(allShardDatabases(env).map(({ db }) => db.prepare(sql).bind(...values).all<T>()));
  return results.flatMap((result) => result.results);
}
