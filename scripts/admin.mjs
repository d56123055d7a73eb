#!/usr/bin/env node
// `npm run admin -- grant|revoke <email> [--remote]`, `npm run admin -- list [--remote]`,
// `npm run admin -- email-collisions [--remote]`, `npm run admin -- reindex [--map <D1_SHARDS>]` and
// `npm run admin -- lifecycle-review|lifecycle-clear <user id>`: the "admin" role, a read-only report of
// accounts the current email normalisation would merge, the directory (addresses, provider accounts)
// rebuilt on each key's home shard, and the accounts migration 0013 set aside for review, through
// `wrangler d1 execute` on every shard's database (D1_SHARDS in wrangler.toml [vars]).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
// The service's own normalisation, so the script finds exactly the row login finds.
import { normalizeEmail } from '../src/core/email.ts';
import { rendezvousWinner } from '../src/core/rendezvous.ts';
import { findEmailCollisions, formatEmailCollisionReport } from './lib/email-collisions.mjs';
import { readShardBindings, readShardMapText } from './lib/wrangler-toml.mjs';

export const ADMIN_ROLE = 'admin';
const USAGE = `Usage:
  npm run admin -- grant <email> [--remote]    give the user the "admin" role
  npm run admin -- revoke <email> [--remote]   take the "admin" role away
  npm run admin -- list [--remote]             list the admins
  npm run admin -- email-collisions [--remote] report accounts whose emails now normalise alike (changes nothing)
  npm run admin -- reindex [--map <D1_SHARDS>] [--remote]
                                               write the directory entries of every account and
                                               linked provider account on their home shards under
                                               the map (default: the current one); run it before
                                               and after a map change
  npm run admin -- lifecycle-review [--remote] list, per shard, the accounts whose unverified
                                               address held a passkey, TOTP or provider identity
                                               when migration 0013 ran (changes nothing)
  npm run admin -- lifecycle-clear <user id> [--remote]
                                               remove a reviewed entry from that list
Every command covers every shard of D1_SHARDS in wrangler.toml [vars].
Local database by default (the one npm start uses); --remote acts on the deployed one.
Options: --persist-to <dir> (local database directory, as wrangler takes it).`;

/** A user id as the service makes them: a shard prefix, a dot, base64url (src/core/ids.ts). */
const USER_ID_PATTERN = /^[0-9a-z]{2}\.[A-Za-z0-9_-]{1,64}$/;

/** A usage or input error: printed without a stack trace. */
export class AdminUsageError extends Error {}

/**
 * Parses the command line. Returns `{ command, email, remote, persistTo }`;
 * throws AdminUsageError for anything it does not understand.
 */
export function parseAdminArguments(argv) {
  const positional = [];
  let remote = false;
  let persistTo = null;
  let map = null;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--remote') remote = true;
    else if (argument === '--map') {
      map = argv[++index] ?? null;
      if (map === null) throw new AdminUsageError('--map needs a shard map like 00=DB,01=DB_01.');
    }
    else if (argument === '--local') remote = false;
    else if (argument === '--persist-to') {
      persistTo = argv[++index] ?? null;
      if (persistTo === null) throw new AdminUsageError('--persist-to needs a directory.');
    } else if (argument === '--help' || argument === '-h') throw new AdminUsageError(USAGE);
    else if (argument.startsWith('--')) throw new AdminUsageError(`Unknown option ${argument}.\n${USAGE}`);
    else positional.push(argument);
  }
  const [command, rawEmail, ...rest] = positional;
  if (rest.length > 0) throw new AdminUsageError(`Too many arguments.\n${USAGE}`);
  if (remote && persistTo !== null) throw new AdminUsageError('--persist-to applies to the local database only.');
  if (map !== null && command !== 'reindex') throw new AdminUsageError('--map applies to reindex only.');
  if (command === 'reindex') {
    if (rawEmail !== undefined) throw new AdminUsageError(`reindex takes no email.\n${USAGE}`);
    return { command, email: null, remote, persistTo, map };
  }
  if (command === 'lifecycle-clear') {
    if (rawEmail === undefined || !USER_ID_PATTERN.test(rawEmail)) throw new AdminUsageError(`lifecycle-clear needs a user id like 00.AbC-123_x.\n${USAGE}`);
    return { command, email: null, userId: rawEmail, remote, persistTo };
  }
  if (command === 'list' || command === 'email-collisions' || command === 'lifecycle-review') {
    if (rawEmail !== undefined) throw new AdminUsageError(`${command} takes no email.\n${USAGE}`);
    return { command, email: null, remote, persistTo };
  }
  if (command !== 'grant' && command !== 'revoke') throw new AdminUsageError(USAGE);
  if (rawEmail === undefined) throw new AdminUsageError(`${command} needs an email.\n${USAGE}`);
  const email = normalizeEmail(rawEmail);
  if (email === null) throw new AdminUsageError('That is not a valid email address.');
  return { command, email, remote, persistTo };
}

/**
 * A SQL string literal. The email was already validated (no control or
 * invisible characters); doubling single quotes is SQLite's only escape, so
 * nothing in it can end the literal.
 */
export function sqlStringLiteral(text) {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/u.test(text)) throw new AdminUsageError('Control characters are not allowed.');
  return `'${text.replaceAll("'", "''")}'`;
}

/** The one SQL statement for a parsed command (wrangler's --command takes no bound parameters). */
export function buildAdminSql({ command, email, userId }) {
  const hasRole = `EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = '${ADMIN_ROLE}')`;
  if (command === 'list') return `SELECT id, email, roles FROM users WHERE ${hasRole} ORDER BY email;`;
  if (command === 'email-collisions') return 'SELECT id, email, created_at FROM users ORDER BY created_at;';
  // The directory keys a shard's rows need (src/storage/directory.ts, src/providers/identity-rows.ts): every address, every linked provider account.
  if (command === 'reindex') {
    return "SELECT 'email:' || email AS key, id AS user_id, created_at FROM users UNION ALL SELECT 'identity:' || provider || ':' || subject, user_id, created_at FROM identities ORDER BY created_at;";
  }
  if (command === 'lifecycle-review') {
    return 'SELECT r.user_id, u.email, u.email_verified, r.passkeys, r.totp, r.identities, r.recorded_at FROM lifecycle_review r LEFT JOIN users u ON u.id = r.user_id ORDER BY r.recorded_at, r.user_id;';
  }
  if (command === 'lifecycle-clear') return `DELETE FROM lifecycle_review WHERE user_id = ${sqlStringLiteral(userId)} RETURNING user_id;`;
  const where = `WHERE email = ${sqlStringLiteral(email)} RETURNING id, email, roles;`;
  if (command === 'grant') {
    return `UPDATE users SET roles = CASE WHEN ${hasRole} THEN roles ELSE json_insert(roles, '$[#]', '${ADMIN_ROLE}') END ${where}`;
  }
  return `UPDATE users SET roles = (SELECT json_group_array(value) FROM json_each(users.roles) WHERE value <> '${ADMIN_ROLE}') ${where}`;
}

/** The wrangler arguments for a parsed command on one shard's binding (run without a shell: no quoting issues). */
export function buildWranglerArguments(parsed, binding = 'DB', sql = buildAdminSql(parsed)) {
  const args = ['d1', 'execute', binding, parsed.remote ? '--remote' : '--local', '--json', '--command', sql];
  if (parsed.persistTo !== null) args.push('--persist-to', parsed.persistTo);
  return args;
}

/** The shards of a D1_SHARDS text that take new keys, as rendezvous candidates, with each shard's binding. */
export function parseShardWeights(mapText) {
  const shards = (mapText.trim() === '' ? '00=DB' : mapText).split(',').map((entry) => {
    const match = /^\s*([0-9a-z]{2})=([A-Z][A-Z0-9_]*)(?::(\d+))?\s*$/.exec(entry);
    if (!match) throw new AdminUsageError(`The shard map entry "${entry.trim()}" is not shard=BINDING[:weight].`);
    return { id: match[1], binding: match[2], weight: match[3] === undefined ? 1 : Number(match[3]) };
  });
  return { shards, growing: shards.filter((shard) => shard.weight > 0) };
}

/**
 * Directory entries (key, user_id, created_at: an account's `email:` key or
 * a linked provider account's `identity:` key) grouped by the binding of each
 * key's home shard, as INSERT statements of at most `perStatement` rows that
 * keep an entry already there (ON CONFLICT DO NOTHING).
 */
export async function buildReindexStatements(entries, map, perStatement = 100) {
  const byBinding = new Map();
  for (const entry of entries) {
    const home = await rendezvousWinner(map.growing, entry.key);
    const binding = map.shards.find((shard) => shard.id === home).binding;
    byBinding.set(binding, [...(byBinding.get(binding) ?? []), entry]);
  }
  const statements = [];
  for (const [binding, held] of byBinding) {
    for (let start = 0; start < held.length; start += perStatement) {
      const values = held
        .slice(start, start + perStatement)
        .map((entry) => `(${sqlStringLiteral(entry.key)}, ${sqlStringLiteral(entry.user_id)}, ${Number(entry.created_at) || 0})`);
      statements.push({ binding, sql: `INSERT INTO directory (key, user_id, created_at) VALUES ${values.join(', ')} ON CONFLICT (key) DO NOTHING;` });
    }
  }
  return statements;
}

/**
 * The lifecycle review as text: per shard binding, each entry with the
 * account's address and state now (an account deleted since shows as such)
 * and the ways in it held when migration 0013 ran.
 */
export function formatLifecycleReview(perShard) {
  const lines = [];
  for (const { binding, rows } of perShard) {
    lines.push(`Shard ${binding}: ${rows.length === 0 ? 'nothing to review' : `${rows.length} account${rows.length === 1 ? '' : 's'} to review`}`);
    for (const row of rows) {
      const state = row.email === null ? '(account deleted since)' : `${row.email}  ${row.email_verified ? 'verified since' : 'unverified'}`;
      const recorded = new Date(Number(row.recorded_at) * 1000).toISOString();
      lines.push(`  ${row.user_id}  ${state}  passkeys ${row.passkeys}, TOTP ${row.totp}, identities ${row.identities}  (recorded ${recorded})`);
    }
  }
  return lines.join('\n');
}

function readWranglerToml() {
  return readFileSync(fileURLToPath(new URL('../wrangler.toml', import.meta.url)), 'utf8');
}

function runWrangler(args) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const path = [dirname(process.execPath), `${root}node_modules/.bin`, process.env.PATH ?? ''].join(delimiter);
  const result = spawnSync(`${root}node_modules/.bin/wrangler`, args, {
    cwd: root,
    env: { ...process.env, PATH: path, WRANGLER_SEND_METRICS: 'false' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stderr || result.stdout);
    throw new Error(`wrangler d1 execute failed (exit ${result.status ?? 'signal'}).`);
  }
  const parsed = JSON.parse(result.stdout);
  return parsed[0]?.results ?? [];
}

async function reindex(parsed, bindings, rows) {
  const map = parseShardWeights(parsed.map ?? readShardMapText(readWranglerToml(), undefined));
  for (const shard of map.shards) {
    if (!bindings.includes(shard.binding)) throw new AdminUsageError(`The map names ${shard.binding}, which wrangler.toml does not bind.`);
  }
  let written = 0;
  for (const statement of await buildReindexStatements(rows, map)) {
    runWrangler(buildWranglerArguments(parsed, statement.binding, statement.sql));
    written++;
  }
  const identities = rows.filter((row) => row.key.startsWith('identity:')).length;
  console.log(`Directory entries of ${rows.length - identities} accounts and ${identities} linked provider accounts written on their home shards (${written} statements; entries already there kept).`);
}

async function main() {
  const parsed = parseAdminArguments(process.argv.slice(2));
  const bindings = readShardBindings(readWranglerToml(), undefined);
  if (parsed.command === 'lifecycle-review') {
    console.log(formatLifecycleReview(bindings.map((binding) => ({ binding, rows: runWrangler(buildWranglerArguments(parsed, binding)) }))));
    return;
  }
  // Each shard's answer, in shard order: a user lives on exactly one, so the rows simply add up.
  const rows = bindings.flatMap((binding) => runWrangler(buildWranglerArguments(parsed, binding)));
  const where = parsed.remote ? 'remote' : 'local';
  if (parsed.command === 'lifecycle-clear') {
    if (rows.length === 0) throw new AdminUsageError(`No review entry for ${parsed.userId} in the ${where} database.`);
    console.log(`Review entry of ${parsed.userId} removed from the ${where} database.`);
    return;
  }
  if (parsed.command === 'reindex') {
    await reindex(parsed, bindings, rows);
    return;
  }
  if (parsed.command === 'email-collisions') {
    console.log(formatEmailCollisionReport(findEmailCollisions(rows)));
    return;
  }
  if (parsed.command === 'list') {
    if (rows.length === 0) console.log(`No admins in the ${where} database.`);
    for (const row of rows) console.log(`${row.email}  ${row.id}`);
    return;
  }
  if (rows.length === 0) throw new AdminUsageError(`No user with the email ${parsed.email} in the ${where} database.`);
  const [user] = rows;
  console.log(`${user.email} (${user.id}) now has roles ${user.roles} in the ${where} database.`);
  console.log('The change reaches access tokens at the next login or refresh; revoke the user\'s sessions to apply it at once.');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof AdminUsageError ? 2 : 1);
  });
}
