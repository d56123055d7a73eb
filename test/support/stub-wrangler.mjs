#!/usr/bin/env node
// A stand-in for `wrangler` in tests: records every argv and answers like
// Cloudflare would from a JSON state file, so scripts are tested offline.
// STUB_WRANGLER_STATE: the account ({ loggedIn, d1, kv, secrets, failMigrations, failSecretList });
// STUB_WRANGLER_LOG: one JSON line per call ({ argv, stdin? }).
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const statePath = process.env.STUB_WRANGLER_STATE;
const logPath = process.env.STUB_WRANGLER_LOG;
const argv = process.argv.slice(2);
const state = JSON.parse(readFileSync(statePath, 'utf8'));

function option(name) {
  const index = argv.indexOf(name);
  return index === -1 ? undefined : argv[index + 1];
}

/** Summarises a secret read from stdin without writing the secret itself anywhere. */
function describeSecret(text) {
  try {
    const set = JSON.parse(text);
    return { jwkSet: true, keys: set.keys.map((key) => ({ kid: key.kid, alg: key.alg, hasPrivatePart: typeof key.d === 'string' })) };
  } catch {
    return { jwkSet: false, length: text.length };
  }
}

function finish(code, { stdout = '', stderr = '', stdin } = {}) {
  appendFileSync(logPath, `${JSON.stringify(stdin === undefined ? { argv } : { argv, stdin })}\n`);
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  if (stdout) process.stdout.write(stdout);
  if (stderr) process.stderr.write(stderr);
  process.exit(code);
}

const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
const command = (firstOption === -1 ? argv : argv.slice(0, firstOption)).join(' ');
const needsAccount = !command.startsWith('deploy') || !argv.includes('--dry-run');
if (needsAccount && !state.loggedIn) {
  finish(1, { stderr: 'X [ERROR] In a non-interactive environment, it\'s necessary to set a CLOUDFLARE_API_TOKEN environment variable for wrangler to work.\n' });
}
const worker = option('--env') ?? 'default';

if (command === 'd1 list') finish(0, { stdout: JSON.stringify(state.d1) });
if (command.startsWith('d1 create')) {
  const name = argv[2];
  state.d1.push({ uuid: randomUUID(), name });
  finish(0, { stdout: `Successfully created DB '${name}'\n` });
}
if (command === 'kv namespace list') finish(0, { stdout: JSON.stringify(state.kv) });
if (command.startsWith('kv namespace create')) {
  const title = argv[3];
  state.kv.push({ id: randomUUID().replaceAll('-', ''), title });
  finish(0, { stdout: `Creating namespace with title "${title}"\n` });
}
if (command.startsWith('queues info')) {
  if ((state.queues ?? []).includes(argv[2])) finish(0, { stdout: `Queue Name: ${argv[2]}\n` });
  finish(1, { stderr: 'X [ERROR] A request to the Cloudflare API failed. Queue does not exist [code: 11000]\n' });
}
if (command.startsWith('queues create')) {
  const name = argv[2];
  state.queues ??= [];
  if (state.queues.includes(name)) finish(1, { stderr: `X [ERROR] A request to the Cloudflare API failed. Queue name already taken [code: 11009]\n` });
  state.queues.push(name);
  finish(0, { stdout: `Created queue ${name}.\n` });
}
if (command === 'secret list') {
  if (state.failSecretList) finish(1, { stderr: 'X [ERROR] A request to the Cloudflare API failed. Authentication error [code: 10000]\n' });
  const names = state.secrets[worker];
  if (!names) finish(1, { stderr: 'X [ERROR] This Worker does not exist on your account. [code: 10007]\n' });
  finish(0, { stdout: JSON.stringify(names.map((name) => ({ name, type: 'secret_text' }))) });
}
if (command.startsWith('secret put')) {
  const stdin = readFileSync(0, 'utf8');
  state.secrets[worker] = [...(state.secrets[worker] ?? []), argv[2]];
  finish(0, { stdout: 'Success! Uploaded secret\n', stdin: describeSecret(stdin) });
}
if (command.startsWith('d1 migrations apply')) finish(state.failMigrations ? 1 : 0, { stdout: 'Migrations applied\n' });
if (command.startsWith('deploy')) finish(0, { stdout: 'Deployed\n' });
finish(2, { stderr: `stub wrangler: unknown command ${argv.join(' ')}\n` });
