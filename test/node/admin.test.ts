// `npm run admin`: argument handling, SQL that no email can escape, and a real run against a local D1.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAdminSql, buildReindexStatements, buildWranglerArguments, parseAdminArguments, parseShardWeights, sqlStringLiteral } from '../../scripts/admin.mjs';

describe('npm run admin: arguments', () => {
  it('parses grant and revoke with a normalised email, local by default', () => {
    expect(parseAdminArguments(['grant', '  Ada@Example.COM '])).toEqual({ command: 'grant', email: 'ada@example.com', remote: false, persistTo: null });
    expect(parseAdminArguments(['revoke', 'ada@example.com', '--remote'])).toMatchObject({ command: 'revoke', remote: true });
    expect(parseAdminArguments(['list'])).toMatchObject({ command: 'list', email: null });
  });

  it.each([
    [[]],
    [['grant']],
    [['promote', 'ada@example.com']],
    [['grant', 'not-an-email']],
    [['grant', 'ada@example.com', 'extra']],
    [['grant', 'ada@example.com', '--force']],
    [['grant', 'a\u200b@example.com']],
    [['grant', "x'); DROP TABLE users; --@example.com"]],
    [['list', 'ada@example.com']],
    [['grant', 'ada@example.com', '--remote', '--persist-to', '/tmp/x']],
  ])('refuses %j', (argv) => {
    expect(() => parseAdminArguments(argv)).toThrow();
  });

  it('targets --local or --remote and passes the SQL as one argument, never through a shell', () => {
    const local = buildWranglerArguments(parseAdminArguments(['grant', 'ada@example.com']));
    expect(local.slice(0, 5)).toEqual(['d1', 'execute', 'DB', '--local', '--json']);
    const remote = buildWranglerArguments(parseAdminArguments(['grant', 'ada@example.com', '--remote']));
    expect(remote).toContain('--remote');
    expect(remote).not.toContain('--local');
  });
});

describe('npm run admin: SQL', () => {
  it('doubles single quotes so an email cannot end its literal', () => {
    expect(sqlStringLiteral("o'brien@example.com")).toBe("'o''brien@example.com'");
    const sql = buildAdminSql({ command: 'grant', email: "a'or'1'='1@example.com" });
    expect(sql).toContain("WHERE email = 'a''or''1''=''1@example.com' RETURNING");
  });

  it('refuses control characters outright', () => {
    expect(() => sqlStringLiteral('a\u0000b@example.com')).toThrow();
  });
});

describe('npm run admin against a local D1', () => {
  const persistTo = mkdtempSync(join(tmpdir(), 'edge-auth-admin-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' };
  const wrangler = (...args: string[]) =>
    execFileSync('node_modules/.bin/wrangler', [...args, '--local', '--persist-to', persistTo], { env, encoding: 'utf8' });
  const admin = (...args: string[]) =>
    spawnSync(process.execPath, ['scripts/admin.mjs', ...args, '--persist-to', persistTo], { env, encoding: 'utf8' });
  afterAll(() => rmSync(persistTo, { recursive: true, force: true }));

  it('grants and revokes the role of exactly the named user, even with a quote in the email', () => {
    wrangler('d1', 'migrations', 'apply', 'DB');
    wrangler(
      'd1', 'execute', 'DB', '--command',
      `INSERT INTO users (id, email, password_hash, roles, created_at) VALUES
        ('00.quote', 'a''or''1''=''1@example.com', 'x', '[]', 1), ('00.other', 'other@example.com', 'x', '[]', 1)`,
    );

    const granted = admin('grant', "A'or'1'='1@example.com");
    expect(granted.status).toBe(0);
    expect(granted.stdout).toContain('["admin"]');
    const listed = admin('list');
    expect(listed.stdout).toContain('00.quote');
    expect(listed.stdout).not.toContain('00.other');

    expect(admin('revoke', "a'or'1'='1@example.com").stdout).toContain('roles []');
    const missing = admin('grant', 'nobody@example.com');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('No user with the email nobody@example.com');

    // Rows written behind the service's back have no directory entry until a reindex writes it: accounts and linked provider accounts.
    wrangler('d1', 'execute', 'DB', '--command', "INSERT INTO identities (id, user_id, provider, subject, email, created_at) VALUES ('00.ident', '00.other', 'github', '4242', 'other@example.com', 2)");
    const entries = () => JSON.parse(wrangler('d1', 'execute', 'DB', '--json', '--command', 'SELECT key, user_id FROM directory ORDER BY key'))[0].results;
    expect(entries()).toEqual([]);
    const reindexed = admin('reindex');
    expect(reindexed.status).toBe(0);
    expect(reindexed.stdout).toContain('2 accounts and 1 linked provider accounts');
    expect(entries()).toEqual([
      { key: "email:a'or'1'='1@example.com", user_id: '00.quote' },
      { key: 'email:other@example.com', user_id: '00.other' },
      { key: 'identity:github:4242', user_id: '00.other' },
    ]);
  }, 240_000);
});

describe('npm run admin -- reindex', () => {
  it('puts each entry (addresses and provider accounts) on the home shard the worker computes, in bounded statements that keep existing entries', async () => {
    const { homeShardOf, parseShardMap } = await import('../../src/storage/shard-map');
    const mapText = '00=DB,01=DB_01,02=DB_02:2,03=DB_03:0';
    const entries = Array.from({ length: 30 }, (_, index) => ({
      key: index % 3 === 0 ? `identity:github:${index}` : `email:user${index}@example.com`,
      user_id: `00.user${index}`,
      created_at: index,
    }));
    const statements = await buildReindexStatements(entries, parseShardWeights(mapText), 4);
    const bindingOf = { '00': 'DB', '01': 'DB_01', '02': 'DB_02', '03': 'DB_03' } as const;
    for (const entry of entries) {
      const home = (await homeShardOf(parseShardMap(mapText), entry.key)) as keyof typeof bindingOf;
      const holding = statements.filter((statement) => statement.sql.includes(`('${entry.key}', '${entry.user_id}'`));
      expect(holding.map((statement) => statement.binding)).toEqual([bindingOf[home]]);
    }
    expect(statements.some((statement) => statement.binding === 'DB_03')).toBe(false);
    for (const statement of statements) {
      expect(statement.sql).toMatch(/ON CONFLICT \(key\) DO NOTHING;$/);
      expect(statement.sql.match(/\('(email|identity):/g)?.length).toBeLessThanOrEqual(4);
    }
    expect(parseAdminArguments(['reindex', '--map', mapText])).toMatchObject({ command: 'reindex', map: mapText });
    expect(() => parseAdminArguments(['list', '--map', mapText])).toThrow();
  });
});
