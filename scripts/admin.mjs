#!/usr/bin/env node
// `npm run admin -- grant|revoke <email> [--remote]`, `npm run admin -- list [--remote]` and
// `npm run admin -- email-collisions [--remote]`: the "admin" role, and a read-only report of
// accounts the current email normalisation would merge, through `wrangler d1 execute`.
import { spawnSync } from 'node:child_process';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
// The service's own normalisation, so the script finds exactly the row login finds.
import { normalizeEmail } from '../src/auth/email.ts';
import { findEmailCollisions, formatEmailCollisionReport } from './lib/email-collisions.mjs';

export const ADMIN_ROLE = 'admin';
const USAGE = `Usage:
  npm run admin -- grant <email> [--remote]    give the user the "admin" role
  npm run admin -- revoke <email> [--remote]   take the "admin" role away
  npm run admin -- list [--remote]             list the admins
  npm run admin -- email-collisions [--remote] report accounts whose emails now normalise alike (changes nothing)
Local database by default (the one npm start uses); --remote acts on the deployed one.
Options: --persist-to <dir> (local database directory, as wrangler takes it).`;

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
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--remote') remote = true;
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
  if (command === 'list' || command === 'email-collisions') {
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
export function buildAdminSql({ command, email }) {
  const hasRole = `EXISTS (SELECT 1 FROM json_each(users.roles) WHERE value = '${ADMIN_ROLE}')`;
  if (command === 'list') return `SELECT id, email, roles FROM users WHERE ${hasRole} ORDER BY email;`;
  if (command === 'email-collisions') return 'SELECT id, email, created_at FROM users ORDER BY created_at;';
  const where = `WHERE email = ${sqlStringLiteral(email)} RETURNING id, email, roles;`;
  if (command === 'grant') {
    return `UPDATE users SET roles = CASE WHEN ${hasRole} THEN roles ELSE json_insert(roles, '$[#]', '${ADMIN_ROLE}') END ${where}`;
  }
  return `UPDATE users SET roles = (SELECT json_group_array(value) FROM json_each(users.roles) WHERE value <> '${ADMIN_ROLE}') ${where}`;
}

/** The wrangler arguments for a parsed command (run without a shell: no quoting issues). */
export function buildWranglerArguments(parsed) {
  const args = ['d1', 'execute', 'DB', parsed.remote ? '--remote' : '--local', '--json', '--command', buildAdminSql(parsed)];
  if (parsed.persistTo !== null) args.push('--persist-to', parsed.persistTo);
  return args;
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

function main() {
  const parsed = parseAdminArguments(process.argv.slice(2));
  const rows = runWrangler(buildWranglerArguments(parsed));
  const where = parsed.remote ? 'remote' : 'local';
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
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof AdminUsageError ? 2 : 1);
  }
}
