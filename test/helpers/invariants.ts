// Checks the database invariants (scripts/lib/db-invariants.mjs) against the real local D1, on every shard.
import { env } from 'cloudflare:workers';
import { DB_INVARIANT_QUERIES } from '../../scripts/lib/db-invariants.mjs';
import { allShardDatabases } from '../../src/storage/database';

/** Names of the invariants that do not hold right now, each with its violation count; empty when all hold. */
export async function findInvariantViolations(nowSeconds = Math.floor(Date.now() / 1000)): Promise<string[]> {
  const violations: string[] = [];
  for (const { shard, db } of allShardDatabases(env)) {
    for (const invariant of DB_INVARIANT_QUERIES) {
      const statement = db.prepare(invariant.sql);
      const bound = invariant.sql.includes('?1') ? statement.bind(nowSeconds) : statement;
      const count = (await bound.first<number>('violations')) ?? 0;
      if (count !== 0) violations.push(`${invariant.name} (shard ${shard}): ${count}`);
    }
  }
  return violations;
}
