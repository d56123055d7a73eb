// schema.sql is the full current schema: building it in an empty database gives what the migrations give.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** Every table and index we own, with its SQL reduced to tokens (comments and spacing do not matter). */
async function describeSchema(db: D1Database): Promise<SchemaObject[]> {
  const { results } = await db
    .prepare(
      `SELECT type, name, tbl_name, sql FROM sqlite_master
       WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'
       ORDER BY type, name`,
    )
    .all<SchemaObject>();
  return results.map((object) => ({ ...object, sql: object.sql === null ? null : normalizeSql(object.sql) }));
}

function normalizeSql(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
    .trim();
}

/** The statements of a SQL file, without comment lines. */
function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

describe('schema.sql', () => {
  it('builds exactly the tables and indexes the migrations produce', async () => {
    const existing = await describeSchema(env.SCHEMA_DB);
    for (const object of existing.filter((candidate) => candidate.type === 'table')) {
      await env.SCHEMA_DB.prepare(`DROP TABLE IF EXISTS "${object.name}"`).run();
    }
    await env.SCHEMA_DB.batch(splitStatements(env.SCHEMA_SQL).map((statement) => env.SCHEMA_DB.prepare(statement)));

    const fromSchema = await describeSchema(env.SCHEMA_DB);
    const fromMigrations = await describeSchema(env.DB);
    expect(fromSchema.map((object) => object.name)).toContain('auth_events');
    expect(fromSchema).toEqual(fromMigrations);
  });
});
