// Puts test/support/stub-wrangler.mjs first on PATH as `wrangler` and runs scripts against it.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

/** What the fake Cloudflare account holds. */
export interface StubAccount {
  loggedIn: boolean;
  d1: { uuid: string; name: string }[];
  kv: { id: string; title: string }[];
  /** Secret names per `--env` ("default" without one); a missing entry means the worker does not exist. */
  secrets: Record<string, string[]>;
  /** Queue names, once `queues create` made them. */
  queues?: string[];
  failMigrations?: boolean;
  /** `secret list` fails with an error other than "worker not found". */
  failSecretList?: boolean;
}

/** One recorded call of the stub. */
export interface StubCall {
  argv: string[];
  stdin?: { jwkSet: boolean; keys?: { kid: string; alg: string; hasPrivatePart: boolean }[] };
}

export interface StubWrangler {
  /** A scratch directory holding a copy of the repository's wrangler.toml. */
  directory: string;
  configPath: string;
  account(): StubAccount;
  calls(): StubCall[];
  clearCalls(): void;
  /** Runs a repository script with the stub first on PATH, in the scratch directory. */
  runScript(script: string, args: string[]): { status: number; stdout: string; stderr: string };
  remove(): void;
}

const repositoryRoot = resolve(import.meta.dirname, '../../..');

/** Creates a scratch directory with a stub `wrangler` and a fake account. */
export function createStubWrangler(account: Partial<StubAccount> = {}): StubWrangler {
  const directory = mkdtempSync(join(tmpdir(), 'edge-auth-stub-'));
  const binDirectory = join(directory, 'bin');
  const statePath = join(directory, 'account.json');
  const logPath = join(directory, 'calls.jsonl');
  const configPath = join(directory, 'wrangler.toml');
  copyFileSync(join(repositoryRoot, 'wrangler.toml'), configPath);
  writeFileSync(statePath, JSON.stringify({ loggedIn: true, d1: [], kv: [], secrets: {}, ...account }));
  writeFileSync(logPath, '');
  mkdirSync(binDirectory);
  const stubPath = join(binDirectory, 'wrangler');
  writeFileSync(stubPath, `#!/bin/sh\nexec "${process.execPath}" "${join(repositoryRoot, 'test/support/stub-wrangler.mjs')}" "$@"\n`);
  chmodSync(stubPath, 0o755);
  return {
    directory,
    configPath,
    account: () => JSON.parse(readFileSync(statePath, 'utf8')) as StubAccount,
    calls: () =>
      readFileSync(logPath, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as StubCall),
    clearCalls: () => writeFileSync(logPath, ''),
    runScript: (script, args) => {
      const result = spawnSync(process.execPath, [join(repositoryRoot, script), ...args], {
        cwd: directory,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: [binDirectory, dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
          STUB_WRANGLER_STATE: statePath,
          STUB_WRANGLER_LOG: logPath,
        },
      });
      return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
