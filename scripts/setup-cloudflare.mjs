#!/usr/bin/env node
// `npm run setup:cloudflare -- --env staging`: create (or find) the environment's
// D1 database (one per shard of D1_SHARDS) and KV namespace through wrangler, write their ids into
// wrangler.toml, create its mail queues, and put a new signing key as the JWT_SIGNING_KEYS secret when
// the worker has none. Idempotent: a second run finds everything and changes nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SUPPORTED_ALGORITHMS, generateSigningJwk } from './lib/signing-keys.mjs';
import { readEnvironmentArgument, runWrangler } from './lib/wrangler-cli.mjs';
import { PLACEHOLDER_D1_ID, PLACEHOLDER_KV_ID, listEnvironments, readEnvironmentQueues, readEnvironmentResources, writeEnvironmentIds } from './lib/wrangler-toml.mjs';

const SECRET_NAME = 'JWT_SIGNING_KEYS';

class SetupError extends Error {}

function readOption(args, name) {
  const index = args.indexOf(name);
  if (index !== -1) return args[index + 1];
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Runs wrangler and parses its JSON output; a failure becomes a SetupError naming the command. */
function wranglerJson(args) {
  const result = runWrangler(args);
  if (result.status !== 0) throw new SetupError(`\`wrangler ${args.join(' ')}\` failed:\n${lastLines(result.stderr || result.stdout)}`);
  return parseJson(args, result.stdout);
}

function wranglerOrFail(args, options) {
  const result = runWrangler(args, options);
  if (result.status !== 0) throw new SetupError(`\`wrangler ${args.join(' ')}\` failed:\n${lastLines(result.stderr || result.stdout)}`);
  return result;
}

function parseJson(args, text) {
  // Wrangler may print a banner before the JSON; the JSON starts at the first [ or {.
  const start = text.search(/^\s*[[{]/m);
  try {
    return JSON.parse(start === -1 ? text : text.slice(start));
  } catch {
    throw new SetupError(`\`wrangler ${args.join(' ')}\` did not print JSON:\n${lastLines(text)}`);
  }
}

function lastLines(text, count = 8) {
  return text.trim().split('\n').slice(-count).map((line) => `  ${line}`).join('\n');
}

/** Fails with a clear message when wrangler cannot reach a Cloudflare account. */
function listDatabasesOrExplainAccount() {
  const args = ['d1', 'list', '--json'];
  const result = runWrangler(args);
  if (result.status === 0) return parseJson(args, result.stdout);
  throw new SetupError(
    [
      'setup:cloudflare needs a Cloudflare account, and wrangler could not reach one.',
      'Log in with `npx wrangler login` (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID), then run this again.',
      'wrangler said:',
      lastLines(result.stderr || result.stdout),
    ].join('\n'),
  );
}

function ensureDatabase(resources, report, listed = listDatabasesOrExplainAccount()) {
  const byId = listed.find((database) => database.uuid === resources.databaseId && resources.databaseId !== PLACEHOLDER_D1_ID);
  if (byId) {
    report(`D1 database "${byId.name}" (${byId.uuid}) already exists`);
    return byId.uuid;
  }
  const byName = listed.find((database) => database.name === resources.databaseName);
  if (byName) {
    report(`D1 database "${byName.name}" (${byName.uuid}) already exists`);
    return byName.uuid;
  }
  wranglerOrFail(['d1', 'create', resources.databaseName]);
  const created = wranglerJson(['d1', 'list', '--json']).find((database) => database.name === resources.databaseName);
  if (!created) throw new SetupError(`created D1 database "${resources.databaseName}" but cannot find it in \`wrangler d1 list\``);
  report(`created D1 database "${created.name}" (${created.uuid})`);
  return created.uuid;
}

function ensureKvNamespace(resources, report) {
  const title = `${resources.workerName}-KV`;
  const listed = wranglerJson(['kv', 'namespace', 'list']);
  const existing =
    listed.find((namespace) => namespace.id === resources.kvId && resources.kvId !== PLACEHOLDER_KV_ID) ??
    listed.find((namespace) => namespace.title === title);
  if (existing) {
    report(`KV namespace "${existing.title}" (${existing.id}) already exists`);
    return existing.id;
  }
  // No --env here: wrangler would prefix the title with the environment name a second time.
  wranglerOrFail(['kv', 'namespace', 'create', title]);
  const created = wranglerJson(['kv', 'namespace', 'list']).find((namespace) => namespace.title === title);
  if (!created) throw new SetupError(`created KV namespace "${title}" but cannot find it in \`wrangler kv namespace list\``);
  report(`created KV namespace "${created.title}" (${created.id})`);
  return created.id;
}

/** Creates each queue the environment consumes (mail and its dead-letter queue) unless it exists. */
function ensureQueues(names, report) {
  for (const name of names) {
    if (runWrangler(['queues', 'info', name]).status === 0) {
      report(`queue "${name}" already exists`);
      continue;
    }
    const args = ['queues', 'create', name];
    const result = runWrangler(args);
    const output = `${result.stderr}\n${result.stdout}`;
    if (result.status === 0) report(`created queue "${name}"`);
    else if (/already (exists|taken)|11009/i.test(output)) report(`queue "${name}" already exists`);
    else throw new SetupError(`\`wrangler ${args.join(' ')}\` failed:\n${lastLines(output)}`);
  }
}

/** The worker's secret names; none when the worker has not been deployed yet. */
function listSecretNames(environmentArgs) {
  const args = ['secret', 'list', '--format', 'json', ...environmentArgs];
  const result = runWrangler(args);
  if (result.status !== 0) {
    const output = `${result.stderr}\n${result.stdout}`;
    if (/10007|not found|does not exist/i.test(output)) return [];
    throw new SetupError(`\`wrangler ${args.join(' ')}\` failed, so the signing key was left alone:\n${lastLines(output)}`);
  }
  return parseJson(args, result.stdout).map((secret) => secret.name);
}

async function ensureSigningKey(environmentArgs, alg, report) {
  if (listSecretNames(environmentArgs).includes(SECRET_NAME)) {
    report(`secret ${SECRET_NAME} already set (left alone; rotate keys as docs/keys.md describes)`);
    return;
  }
  const jwk = await generateSigningJwk(alg);
  // The private key goes through stdin only: never an argument, a file or the terminal.
  wranglerOrFail(['secret', 'put', SECRET_NAME, ...environmentArgs], { input: JSON.stringify({ keys: [jwk] }) });
  report(`generated a new ${alg} signing key (kid ${jwk.kid}) and put it as secret ${SECRET_NAME}`);
}

async function main() {
  const args = process.argv.slice(2);
  const configPath = resolve(readOption(args, '--config') ?? readOption(args, '-c') ?? 'wrangler.toml');
  const alg = readOption(args, '--alg') ?? 'EdDSA';
  if (!SUPPORTED_ALGORITHMS.includes(alg)) throw new SetupError(`--alg must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  const text = readFileSync(configPath, 'utf8');
  const environment = readEnvironmentArgument(args);
  const known = listEnvironments(text);
  if (!environment || !known.includes(environment)) {
    throw new SetupError(`choose an environment: npm run setup:cloudflare -- --env <${known.join('|')}>`);
  }
  const resources = readEnvironmentResources(text, environment);
  const environmentArgs = ['--env', environment, '--config', configPath];
  const report = (line) => console.log(`  - ${line}`);
  console.log(`edge-auth setup:cloudflare --env ${environment}`);

  const listed = listDatabasesOrExplainAccount();
  const databaseId = ensureDatabase(resources, report, listed);
  // Every further shard of D1_SHARDS gets its own database (docs/scale.md).
  const shardIds = Object.fromEntries(resources.shards.map((shard) => [shard.binding, ensureDatabase(shard, report, listed)]));
  const kvId = ensureKvNamespace(resources, report);
  const updated = writeEnvironmentIds(text, environment, { databaseId, kvId, shardIds });
  if (updated !== text) {
    writeFileSync(configPath, updated);
    report(`wrote the D1 database_id${resources.shards.length > 0 ? 's' : ''} and KV id of [env.${environment}] into ${configPath}`);
  } else {
    report(`wrangler.toml already holds these ids (unchanged)`);
  }
  ensureQueues(readEnvironmentQueues(text, environment), report);
  await ensureSigningKey(environmentArgs, alg, report);

  console.log(`Next: set JWT_ISSUER and ALLOWED_ORIGINS in [env.${environment}.vars], then \`npm run deploy -- --env ${environment}\` (docs/deployment.md).`);
}

main().catch((error) => {
  console.error(`edge-auth setup:cloudflare: ${error instanceof SetupError ? error.message : error.stack ?? error}`);
  process.exit(1);
});
