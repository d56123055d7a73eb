#!/usr/bin/env node
// `npm run deploy -- --env production`: apply the remote D1 migrations of that
// environment, then `wrangler deploy` it. Every argument goes to wrangler deploy;
// `--env` goes to the migrations as well. Stops before deploying if migrations fail.
import { readEnvironmentArgument, runWrangler } from './lib/wrangler-cli.mjs';

const args = process.argv.slice(2);
const environment = readEnvironmentArgument(args);
const environmentArgs = environment === undefined ? [] : ['--env', environment];
const target = environment === undefined ? 'the default environment' : `environment "${environment}"`;

console.log(`edge-auth deploy: applying remote D1 migrations for ${target}`);
const migrate = runWrangler(['d1', 'migrations', 'apply', 'DB', '--remote', ...environmentArgs], { capture: false });
if (migrate.status !== 0) {
  console.error('edge-auth deploy: migrations failed; nothing was deployed.');
  process.exit(migrate.status);
}
console.log(`edge-auth deploy: deploying ${target}`);
const deploy = runWrangler(['deploy', ...args], { capture: false });
process.exit(deploy.status);
