// Checks the database invariants (scripts/lib/db-invariants.mjs) against the real local D1.
import { env } from 'cloudflare:workers';
import { DB_INVARIANT_QUERIES } from '../../scripts/lib/db-invariants.mjs';

/** Names of the invariants that do not hold right now, each with its violation count; empty when all hold. */
export async function findInvariantViolations(nowSeconds = Math.floor(Date.now() / 1000)): Promise<string[]> {
  const violations: string[] = [];
  for (const invariant of DB_INVARIANT_QUERIES) {
    const statement = env.DB.prepare(invariant.sql);
    const bound = invariant.sql.includes('?1') ? statement.bind(nowSeconds) : statement;
    const count = (await bound.first<number>('violations')) ?? 0;
    if (count !== 0) violations.push(`${invariant.name}: ${count}`);
  }
  return violations;
}
