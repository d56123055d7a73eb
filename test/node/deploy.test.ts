// `npm run deploy -- --env <name>` against a stub wrangler: migrations first, then deploy, same environment.
import { afterEach, describe, expect, it } from 'vitest';
import { createStubWrangler, type StubWrangler } from './helpers/stub-wrangler';

const SCRIPT = 'scripts/deploy.mjs';
let stub: StubWrangler | undefined;

afterEach(() => stub?.remove());

describe('npm run deploy', () => {
  it('applies the remote migrations of the chosen environment, then deploys that environment', () => {
    stub = createStubWrangler();
    const result = stub.runScript(SCRIPT, ['--env', 'production']);
    expect(result.status, result.stderr).toBe(0);
    expect(stub.calls().map((call) => call.argv)).toEqual([
      ['d1', 'migrations', 'apply', 'DB', '--remote', '--env', 'production'],
      ['deploy', '--env', 'production'],
    ]);
  });

  it('accepts --env=<name> and passes other arguments to wrangler deploy only', () => {
    stub = createStubWrangler();
    expect(stub.runScript(SCRIPT, ['--env=staging', '--minify']).status).toBe(0);
    expect(stub.calls().map((call) => call.argv)).toEqual([
      ['d1', 'migrations', 'apply', 'DB', '--remote', '--env', 'staging'],
      ['deploy', '--env=staging', '--minify'],
    ]);
  });

  it('does not deploy when the migrations fail', () => {
    stub = createStubWrangler({ failMigrations: true });
    const result = stub.runScript(SCRIPT, ['--env', 'production']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('nothing was deployed');
    expect(stub.calls().map((call) => call.argv[0])).toEqual(['d1']);
  });
});
