// With several shards (D1_SHARDS), setup:cloudflare creates and deploy migrates every shard's D1 database, against a stub wrangler.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readShardBindings } from '../../scripts/lib/wrangler-toml.mjs';
import { createStubWrangler, type StubWrangler } from './helpers/stub-wrangler';

let stub: StubWrangler | undefined;
afterEach(() => stub?.remove());

/** The repository's wrangler.toml with staging spread over three shards. */
function withThreeStagingShards(configPath: string): void {
  const text = readFileSync(configPath, 'utf8');
  const staging = text.indexOf('[env.staging.vars]');
  const withMap = text.slice(0, staging) + text.slice(staging).replace('D1_SHARDS = "00=DB"', 'D1_SHARDS = "00=DB,01=DB_01,02=DB_02:2"');
  const shardTables = ['01', '02']
    .map((shard) => `[[env.staging.d1_databases]]\nbinding = "DB_${shard}"\ndatabase_name = "edge-auth-staging-${shard}"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\nmigrations_dir = "migrations"\n`)
    .join('\n');
  writeFileSync(configPath, withMap.replace('[[env.staging.kv_namespaces]]', `${shardTables}\n[[env.staging.kv_namespaces]]`));
}

describe('shard bindings in wrangler.toml', () => {
  it('reads DB alone without a map, and every binding of the map with shard 00 first', () => {
    expect(readShardBindings('[vars]\nJWT_AUDIENCE = "x"\n', undefined)).toEqual(['DB']);
    expect(readShardBindings('[vars]\nD1_SHARDS = "00=DB,01=DB_01:2,02=DB_02:0"\n', undefined)).toEqual(['DB', 'DB_01', 'DB_02']);
    expect(readShardBindings('[vars]\nD1_SHARDS = "00=DB"\n[env.staging.vars]\nD1_SHARDS = "00=DB,01=DB_01"\n', 'staging')).toEqual(['DB', 'DB_01']);
  });
});

describe('npm run setup:cloudflare with several shards', () => {
  it("creates one D1 database per shard and writes each id into its binding's table; a second run creates nothing", () => {
    stub = createStubWrangler();
    withThreeStagingShards(stub.configPath);
    const result = stub.runScript('scripts/setup-cloudflare.mjs', ['--env', 'staging']);
    expect(result.status, result.stderr).toBe(0);
    const names = stub.account().d1.map((database) => database.name);
    expect(names).toEqual(expect.arrayContaining(['edge-auth-staging', 'edge-auth-staging-01', 'edge-auth-staging-02']));
    const text = readFileSync(stub.configPath, 'utf8');
    for (const database of stub.account().d1) expect(text).toContain(`database_id = "${database.uuid}"`);
    stub.clearCalls();
    expect(stub.runScript('scripts/setup-cloudflare.mjs', ['--env', 'staging']).status).toBe(0);
    expect(stub.calls().filter((call) => call.argv[1] === 'create')).toEqual([]);
  });
});

describe('npm run deploy with several shards', () => {
  it('applies the remote migrations to every shard, then deploys', () => {
    stub = createStubWrangler();
    withThreeStagingShards(stub.configPath);
    const result = stub.runScript('scripts/deploy.mjs', ['--env', 'staging']);
    expect(result.status, result.stderr).toBe(0);
    expect(stub.calls().map((call) => call.argv)).toEqual([
      ['d1', 'migrations', 'apply', 'DB', '--remote', '--env', 'staging'],
      ['d1', 'migrations', 'apply', 'DB_01', '--remote', '--env', 'staging'],
      ['d1', 'migrations', 'apply', 'DB_02', '--remote', '--env', 'staging'],
      ['deploy', '--env', 'staging'],
    ]);
  });

  it('deploys nothing when one shard’s migrations fail', () => {
    stub = createStubWrangler({ failMigrations: true });
    withThreeStagingShards(stub.configPath);
    const result = stub.runScript('scripts/deploy.mjs', ['--env', 'staging']);
    expect(result.status).not.toBe(0);
    expect(stub.calls().some((call) => call.argv[0] === 'deploy')).toBe(false);
  });
});
