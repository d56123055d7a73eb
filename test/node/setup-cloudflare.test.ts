// `npm run setup:cloudflare -- --env <name>` against a stub wrangler: creates,
// records ids, puts a key once, and changes nothing on a second run.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createStubWrangler, type StubWrangler } from './helpers/stub-wrangler';

const SCRIPT = 'scripts/setup-cloudflare.mjs';
let stub: StubWrangler | undefined;

afterEach(() => stub?.remove());

function commandsOf(calls: { argv: string[] }[]): string[] {
  return calls.map((call) => call.argv.join(' '));
}

describe('npm run setup:cloudflare', () => {
  it('creates the D1 database and KV namespace, writes their ids into that environment only, and puts a signing key', () => {
    stub = createStubWrangler();
    const before = readFileSync(stub.configPath, 'utf8');
    const result = stub.runScript(SCRIPT, ['--env', 'staging']);
    expect(result.status, result.stderr).toBe(0);

    const account = stub.account();
    const database = account.d1.find((entry) => entry.name === 'edge-auth-staging');
    const namespace = account.kv.find((entry) => entry.title === 'edge-auth-staging-KV');
    expect(database).toBeDefined();
    expect(namespace).toBeDefined();
    expect(account.secrets.staging).toEqual(['JWT_SIGNING_KEYS']);

    const after = readFileSync(stub.configPath, 'utf8');
    const changed = after.split('\n').filter((line, index) => line !== before.split('\n')[index]);
    expect(changed).toEqual([`database_id = "${database?.uuid}"`, `id = "${namespace?.id}"`]);
    expect(after.split('\n')).toHaveLength(before.split('\n').length);
    const staging = after.slice(after.indexOf('[env.staging]'), after.indexOf('[env.production]'));
    expect(staging).toContain(database?.uuid);
    expect(after.slice(after.indexOf('[env.production]'))).not.toContain(database?.uuid);

    const put = stub.calls().find((call) => call.argv[0] === 'secret' && call.argv[1] === 'put');
    expect(put?.argv).toEqual(expect.arrayContaining(['JWT_SIGNING_KEYS', '--env', 'staging']));
    expect(put?.stdin).toMatchObject({ jwkSet: true, keys: [{ alg: 'EdDSA', hasPrivatePart: true }] });
    expect(result.stdout).toContain('created D1 database "edge-auth-staging"');
    expect(result.stdout).toContain('created KV namespace "edge-auth-staging-KV"');
    expect(result.stdout).toContain('put it as secret JWT_SIGNING_KEYS');
    expect(account.queues).toEqual(['edge-auth-staging-mail', 'edge-auth-staging-mail-dead']);
  });

  it('creates the mail queue and its dead-letter queue once: a second run finds them', () => {
    stub = createStubWrangler();
    expect(stub.runScript(SCRIPT, ['--env', 'production']).status).toBe(0);
    expect(stub.account().queues).toEqual(['edge-auth-production-mail', 'edge-auth-production-mail-dead']);
    const second = stub.runScript(SCRIPT, ['--env', 'production']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('queue "edge-auth-production-mail-dead" already exists');
    expect(stub.account().queues).toHaveLength(2);
  });

  it('changes nothing on a second run: no create, no secret put, wrangler.toml byte-for-byte the same', () => {
    stub = createStubWrangler();
    expect(stub.runScript(SCRIPT, ['--env', 'production']).status).toBe(0);
    const configAfterFirstRun = readFileSync(stub.configPath, 'utf8');
    const accountAfterFirstRun = stub.account();
    stub.clearCalls();

    const second = stub.runScript(SCRIPT, ['--env', 'production']);
    expect(second.status, second.stderr).toBe(0);
    expect(readFileSync(stub.configPath, 'utf8')).toBe(configAfterFirstRun);
    expect(stub.account()).toEqual(accountAfterFirstRun);
    const commands = commandsOf(stub.calls());
    expect(commands.some((command) => /create|secret put/.test(command))).toBe(false);
    expect(second.stdout).toContain('already exists');
    expect(second.stdout).toContain('JWT_SIGNING_KEYS already set');
  });

  it('adopts resources that already exist on the account instead of creating duplicates', () => {
    stub = createStubWrangler({
      d1: [{ uuid: '11111111-2222-3333-4444-555555555555', name: 'edge-auth-staging' }],
      kv: [{ id: 'abcdefabcdefabcdefabcdefabcdefab', title: 'edge-auth-staging-KV' }],
      secrets: { staging: ['JWT_SIGNING_KEYS'] },
      queues: ['edge-auth-staging-mail', 'edge-auth-staging-mail-dead'],
    });
    const result = stub.runScript(SCRIPT, ['--env', 'staging']);
    expect(result.status, result.stderr).toBe(0);
    const config = readFileSync(stub.configPath, 'utf8');
    expect(config).toContain('database_id = "11111111-2222-3333-4444-555555555555"');
    expect(config).toContain('id = "abcdefabcdefabcdefabcdefabcdefab"');
    expect(stub.account().d1).toHaveLength(1);
    expect(stub.account().kv).toHaveLength(1);
    expect(commandsOf(stub.calls()).some((command) => /create|secret put/.test(command))).toBe(false);
  });

  it('fails with a clear message and touches nothing when wrangler has no account', () => {
    stub = createStubWrangler({ loggedIn: false });
    const before = readFileSync(stub.configPath, 'utf8');
    const result = stub.runScript(SCRIPT, ['--env', 'staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('needs a Cloudflare account');
    expect(result.stderr).toContain('wrangler login');
    expect(readFileSync(stub.configPath, 'utf8')).toBe(before);
    expect(commandsOf(stub.calls())).toEqual(['d1 list --json']);
  });

  it('refuses to run without an environment declared in wrangler.toml', () => {
    stub = createStubWrangler();
    for (const args of [[], ['--env', 'qa']]) {
      const result = stub.runScript(SCRIPT, args);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('--env <staging|production>');
    }
    expect(stub.calls()).toEqual([]);
  });

  it('puts a key of the algorithm asked for, and refuses an unknown one before touching the account', () => {
    stub = createStubWrangler();
    const refused = stub.runScript(SCRIPT, ['--env', 'staging', '--alg', 'HS256']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--alg must be one of EdDSA, ES256, RS256');
    expect(stub.calls()).toEqual([]);

    expect(stub.runScript(SCRIPT, ['--env', 'staging', '--alg', 'ES256']).status).toBe(0);
    const put = stub.calls().find((call) => call.argv[0] === 'secret' && call.argv[1] === 'put');
    expect(put?.stdin).toMatchObject({ jwkSet: true, keys: [{ alg: 'ES256', hasPrivatePart: true }] });
  });

  it('leaves the signing key alone when it cannot tell whether one is already set', () => {
    stub = createStubWrangler({ failSecretList: true });
    const result = stub.runScript(SCRIPT, ['--env', 'staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('signing key was left alone');
    expect(commandsOf(stub.calls()).some((command) => command.startsWith('secret put'))).toBe(false);
  });
});
