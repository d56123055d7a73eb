#!/usr/bin/env node
// `npm run deploy -- --env production`: apply the remote D1 migrations of that
// environment to every shard's database (D1_SHARDS), then `wrangler deploy` it.
// Every argument goes to wrangler deploy; `--env` goes to the migrations as
// well. Stops before deploying if the migrations of any shard fail.
import { readFileSync } from 'node:fs';
import { readEnvironmentArgument, runWrangler } from './lib/wrangler-cli.mjs';
import { readShardBindings } from './lib/wrangler-toml.mjs';

const args = process.argv.slice(2);
const environment = readEnvironmentArgument(args);
const environmentArgs = environment === undefined ? [] : ['--env', environment];
const target = environment === undefined ? 'the default environment' : `environment "${environment}"`;

const bindings = readShardBindings(readFileSync('wrangler.toml', 'utf8'), environment);
for (const binding of bindings) {
  console.log(`edge-auth deploy: applying remote D1 migrations for ${target}${bindings.length > 1 ? ` (shard database ${binding})` : ''}`);
  const migrate = runWrangler(['d1', 'migrations', 'apply', binding, '--remote', ...environmentArgs], { capture: false });
  if (migrate.status !== 0) {
    console.error(`edge-auth deploy: migrations of ${binding} failed; nothing was deployed.`);
    process.exit(migrate.status);
  }
}
console.log(`edge-auth deploy: deploying ${target}`);
const deploy = runWrangler(['deploy', ...args], { capture: false });
process.exit(deploy.status);
