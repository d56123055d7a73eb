// `npm run admin`: argument handling, SQL that no email can escape, and a real run against a local D1.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildAdminSql,
  buildReindexStatements,
  buildWranglerArguments,
  formatLifecycleReview,
  parseAdminArguments,
  parseShardWeights,
  sqlStringLiteral,
} from '../../scripts/admin.mjs';

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
    [['lifecycle-clear']],
    [['lifecycle-clear', "00.x'; DELETE FROM users; --"]],
    [['lifecycle-review', '00.abc']],
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
    const { homeShardOf, parseShardMap } = await import('../../src/core/shard-map');
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

describe('npm run admin -- lifecycle-review and lifecycle-clear (migration 0013)', () => {
  const persistTo = mkdtempSync(join(tmpdir(), 'edge-auth-lifecycle-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false' };
  const wrangler = (...args: string[]) =>
    execFileSync('node_modules/.bin/wrangler', [...args, '--local', '--persist-to', persistTo], { env, encoding: 'utf8' });
  const admin = (...args: string[]) =>
    spawnSync(process.execPath, ['scripts/admin.mjs', ...args, '--persist-to', persistTo], { env, encoding: 'utf8' });
  const count = (sql: string) => JSON.parse(wrangler('d1', 'execute', 'DB', '--json', '--command', sql))[0].results[0].n as number;
  afterAll(() => rmSync(persistTo, { recursive: true, force: true }));

  it('parses the user id of lifecycle-clear', () => {
    expect(parseAdminArguments(['lifecycle-clear', '00.AbC-1_x'])).toMatchObject({ command: 'lifecycle-clear', userId: '00.AbC-1_x' });
    expect(buildAdminSql(parseAdminArguments(['lifecycle-clear', '00.AbC-1_x']))).toBe("DELETE FROM lifecycle_review WHERE user_id = '00.AbC-1_x' RETURNING user_id;");
  });

  it('shows an entry whose account was deleted or verified since', () => {
    const text = formatLifecycleReview([
      { binding: 'DB', rows: [{ user_id: '00.gone', email: null, email_verified: null, passkeys: 1, totp: 0, identities: 0, recorded_at: 0 }] },
      { binding: 'DB_01', rows: [] },
    ]);
    expect(text).toContain('Shard DB: 1 account to review');
    expect(text).toContain('00.gone  (account deleted since)  passkeys 1, TOTP 0, identities 0');
    expect(text).toContain('Shard DB_01: nothing to review');
  });

  it('records, without deleting anything, each unverified account holding a passkey, TOTP or identity; lists them per shard; clears a reviewed one', () => {
    // The database as it stood before migration 0013, with accounts made before the enrolment rule.
    const earlier = readdirSync('migrations').filter((name) => name.endsWith('.sql') && name < '0013').sort();
    const before = join(persistTo, 'before-0013.sql');
    writeFileSync(before, earlier.map((name) => readFileSync(join('migrations', name), 'utf8')).join('\n'));
    wrangler('d1', 'execute', 'DB', '--file', before);
    wrangler(
      'd1', 'execute', 'DB', '--command',
      `INSERT INTO users (id, email, password_hash, roles, created_at, email_verified) VALUES
         ('00.planted', 'victim@example.com', 'x', '[]', 1, 0), ('00.totp', 'other-victim@example.com', 'x', '[]', 1, 0),
         ('00.owner', 'owner@example.com', 'x', '[]', 1, 1), ('00.plain', 'plain@example.com', 'x', '[]', 1, 0);
       INSERT INTO passkeys (user_id, credential_id, name, public_key, algorithm, sign_count, backup_eligible, backed_up, created_at) VALUES
         ('00.planted', 'cred-1', 'Passkey', '{}', -7, 0, 0, 0, 1), ('00.owner', 'cred-2', 'Passkey', '{}', -7, 0, 0, 0, 1);
       INSERT INTO identities (id, user_id, provider, subject, email, created_at) VALUES ('00.ident', '00.planted', 'github', '99', 'victim@example.com', 1);
       INSERT INTO totp_factors (user_id, sealed_secret, enabled_at, last_used_step, created_at) VALUES ('00.totp', 'sealed', 1, 0, 1);`,
    );
    wrangler('d1', 'execute', 'DB', '--file', 'migrations/0013_lifecycle_review.sql');

    const listed = admin('lifecycle-review');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('Shard DB: 2 accounts to review');
    expect(listed.stdout).toMatch(/00\.planted {2}victim@example\.com {2}unverified {2}passkeys 1, TOTP 0, identities 1/);
    expect(listed.stdout).toMatch(/00\.totp {2}other-victim@example\.com {2}unverified {2}passkeys 0, TOTP 1, identities 0/);
    expect(listed.stdout).not.toContain('00.owner');
    expect(listed.stdout).not.toContain('00.plain');
    // Nothing was deleted: the planted rows wait for the operator (or the owner's reset).
    expect(count('SELECT COUNT(*) AS n FROM passkeys')).toBe(2);
    expect(count('SELECT COUNT(*) AS n FROM identities')).toBe(1);
    expect(count('SELECT COUNT(*) AS n FROM totp_factors')).toBe(1);

    expect(admin('lifecycle-clear', '00.planted').status).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM lifecycle_review')).toBe(1);
    expect(admin('lifecycle-review').stdout).not.toContain('00.planted');
    const again = admin('lifecycle-clear', '00.planted');
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('No review entry for 00.planted');
  }, 240_000);
});
