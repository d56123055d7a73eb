#!/usr/bin/env node
// `npm run soak -- --seconds 60`: many simulated users against a real `npm start` on loopback (log in, call
// protected routes, refresh from one or two tabs, log out, log out everywhere, bursts of invalid requests), then
// end checks: zero 5xx, nobody wrongly logged out, no revoked session accepted, database invariants hold on
// every shard. `--shards 4` spreads the users over four local D1 databases (a generated copy of wrangler.toml):
// each user's address is drawn so that its home shard (the same rendezvous hash the worker uses) goes round the
// shards in turn, and the end checks confirm every session landed on its user's shard.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDevServer } from '../test/support/dev-server.mjs';
import { DB_INVARIANT_QUERIES } from './lib/db-invariants.mjs';
import { writeLocalShardConfig } from './lib/shard-config.mjs';
import { SoakRecorder, SoakUser, sendInvalidBurst, soakEmail, timedFetch } from './lib/soak-client.mjs';
import { rendezvousWinner } from '../src/core/rendezvous.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    users: { type: 'string', default: '40' },
    'max-requests': { type: 'string', default: '200000' },
    'sessions-per-user': { type: 'string', default: '3' },
    shards: { type: 'string', default: '1' },
    report: { type: 'string' },
  },
});
const seconds = Number(options.seconds);
const userCount = Number(options.users);
const maxRequests = Number(options['max-requests']);
const maxSessionsPerUser = Number(options['sessions-per-user']);
const shardCount = Number(options.shards);
for (const [name, value] of Object.entries({ seconds, users: userCount, 'max-requests': maxRequests, 'sessions-per-user': maxSessionsPerUser, shards: shardCount })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}

/** Runs one user's random walk until the deadline or the request cap. */
async function simulateUser(user, { deadline, recorder, baseUrl }) {
  if (!(await user.register())) return;
  await user.logIn();
  while (performance.now() < deadline && recorder.requests < maxRequests) {
    const live = user.liveSessions();
    if (live.length === 0) {
      await user.logIn();
      continue;
    }
    const session = live[Math.floor(Math.random() * live.length)];
    const roll = Math.random();
    if (roll < 0.5) await user.callProtected(session);
    else if (roll < 0.68) await user.refresh(session);
    else if (roll < 0.76) await user.refreshFromTwoTabs(session);
    else if (roll < 0.81) await user.logOut(session);
    else if (roll < 0.83) await user.logOutEverywhere(session);
    else if (roll < 0.9 && live.length < maxSessionsPerUser) await user.logIn();
    else if (roll < 0.93) await sendInvalidBurst(recorder, baseUrl, user.email);
    else await user.callProtected(session);
  }
}

/** After the run: every live session still refreshes; every revoked one is refused for both tokens. */
async function checkSessions(users, recorder, baseUrl) {
  const outcome = { live: 0, wronglyLoggedOut: 0, revoked: 0, revokedStillAccepted: 0 };
  for (const user of users) {
    for (const session of user.sessions) {
      if (!session.revoked) {
        outcome.live++;
        const response = await timedFetch(recorder, baseUrl, 'end check: refresh live', '/auth/refresh', user.refreshRequest(session));
        if (response.status !== 200) outcome.wronglyLoggedOut++;
        continue;
      }
      outcome.revoked++;
      const me = await timedFetch(recorder, baseUrl, 'end check: me revoked', '/auth/me', { headers: { Authorization: `Bearer ${session.accessToken}` } });
      const refresh = await timedFetch(recorder, baseUrl, 'end check: refresh revoked', '/auth/refresh', user.refreshRequest(session));
      if (me.status !== 401 || refresh.status !== 401) outcome.revokedStillAccepted++;
    }
  }
  return outcome;
}

/** Runs the invariant queries against every shard's local D1 the dev server uses: one wrangler call per shard. */
function checkDatabaseInvariants(bindings, configArgs) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const wrangler = `${root}node_modules/.bin/wrangler`;
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  const command = DB_INVARIANT_QUERIES.map(({ sql }) => sql.replaceAll('?1', String(nowSeconds)).replace(/\s+/g, ' ').replace(/;?\s*$/, ';')).join(' ');
  return bindings.flatMap((binding) => {
    const args = ['d1', 'execute', binding, '--local', '--json', '--command', command, ...configArgs];
    const results = JSON.parse(execFileSync(wrangler, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    return DB_INVARIANT_QUERIES.map(({ name }, index) => {
      const violations = results[index]?.results?.[0]?.violations;
      return { name: bindings.length > 1 ? `${name} (${binding})` : name, violations: typeof violations === 'number' ? violations : NaN };
    });
  });
}

/**
 * Addresses for the users, each drawn until its home shard is `shardIds[index % count]`: every shard gets its share
 * of users on every run (random addresses alone leave a shard empty about once in 80 runs of 20 users on 4 shards).
 */
async function spreadEmails(count, shardIds) {
  const candidates = shardIds.map((id) => ({ id, weight: 1 }));
  const emails = [];
  for (let index = 0; index < count; index++) {
    let email = soakEmail(index);
    while (shardIds.length > 1 && (await rendezvousWinner(candidates, `email:${email}`)) !== shardIds[index % shardIds.length]) email = soakEmail(index);
    emails.push({ email, shard: shardIds[index % shardIds.length] });
  }
  return emails;
}

/** Sessions whose refresh token carries another shard than the one their user's address hashes to. */
function sessionsOffTheirShard(users) {
  return users.flatMap((user) => user.sessions.filter((session) => session.refreshToken?.slice(0, 2) !== user.shard)).length;
}

/** Sessions on each shard (from the refresh tokens' prefixes): shows the load really spread. */
function sessionsPerShard(users) {
  const counts = new Map();
  for (const user of users) for (const session of user.sessions) counts.set(session.refreshToken?.slice(0, 2) ?? '?', (counts.get(session.refreshToken?.slice(0, 2) ?? '?') ?? 0) + 1);
  return [...counts].sort().map(([shard, count]) => `${shard}: ${count}`).join(', ');
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}

function operationTable(recorder, elapsedSeconds) {
  const rows = [...recorder.latencies].map(([operation, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    // End checks run one at a time after the load phase: a rate over the load phase would mean nothing.
    const perSecond = operation.startsWith('end check') ? '(after load)' : (values.length / elapsedSeconds).toFixed(1);
    return { operation, count: values.length, perSecond, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  });
  const lines = ['| operation | requests | per second | p50 ms | p99 ms |', '|---|---:|---:|---:|---:|'];
  for (const row of rows) lines.push(`| ${row.operation} | ${row.count} | ${row.perSecond} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} |`);
  return lines.join('\n');
}

const shardConfigPath = `${root}.wrangler-shards.toml`;
const bindings = shardCount > 1 ? writeLocalShardConfig(`${root}wrangler.toml`, shardConfigPath, shardCount) : ['DB'];
const configArgs = shardCount > 1 ? ['--config', shardConfigPath] : [];
const server = await startDevServer({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0', LOGIN_MAX_FAILURES: '1000' }, extraArgs: configArgs });
let failed = true;
try {
  const baseUrl = server.url;
  const recorder = new SoakRecorder();
  const shardIds = bindings.map((_, index) => String(index).padStart(2, '0'));
  const users = (await spreadEmails(userCount, shardIds)).map(({ email, shard }, index) => Object.assign(new SoakUser({ baseUrl, recorder, index, email }), { shard }));
  console.log(`soak: ${userCount} users for ${seconds} s against ${baseUrl}`);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(users.map((user) => simulateUser(user, { deadline, recorder, baseUrl })));
  const elapsedSeconds = (performance.now() - started) / 1000;
  const loadRequests = recorder.requests;
  const serverErrorsDuringLoad = recorder.serverErrors;
  const sessions = await checkSessions(users, recorder, baseUrl);
  const invariants = checkDatabaseInvariants(bindings, configArgs);

  const checks = [
    ['zero 5xx', recorder.serverErrors === 0, `${recorder.serverErrors} server errors (${serverErrorsDuringLoad} during load)`],
    ['zero users wrongly logged out', sessions.wronglyLoggedOut === 0, `${sessions.live} live sessions, ${sessions.wronglyLoggedOut} no longer refresh`],
    ['zero revoked sessions still accepted', sessions.revokedStillAccepted === 0, `${sessions.revoked} revoked sessions, ${sessions.revokedStillAccepted} still accepted`],
    ['no broken expectation during the run', recorder.violations.length === 0, `${recorder.violations.length} violations`],
    ...(shardCount > 1
      ? [
          [`sessions on every one of the ${shardCount} shards`, new Set(users.flatMap((user) => user.sessions.map((session) => session.refreshToken?.slice(0, 2)))).size === shardCount, sessionsPerShard(users)],
          ['every session on its user\'s home shard', sessionsOffTheirShard(users) === 0, `${sessionsOffTheirShard(users)} sessions elsewhere`],
        ]
      : []),
    ...invariants.map(({ name, violations }) => [`invariant: ${name}`, violations === 0, `${violations} violations`]),
  ];
  failed = checks.some(([, passed]) => !passed);
  const report = [
    `Command: \`npm run soak -- --seconds ${seconds} --users ${userCount}${shardCount > 1 ? ` --shards ${shardCount}` : ''}\``,
    `Run: ${new Date().toISOString()}, ${cpus().length} CPU cores, Node ${process.version}, wrangler dev (local workerd, D1 and KV) on loopback.`,
    `Load phase: ${loadRequests} requests in ${elapsedSeconds.toFixed(1)} s = ${(loadRequests / elapsedSeconds).toFixed(1)} requests/s overall.`,
    `Each of the ${userCount} users keeps one request (two for a two-tab refresh) in flight at a time, so load-phase latency is mostly`,
    'queueing in the single local workerd process (about users / throughput); the end checks, sent one at a time, show the unloaded latency.',
    '',
    operationTable(recorder, elapsedSeconds),
    '',
    '| end check | result | detail |',
    '|---|---|---|',
    ...checks.map(([name, passed, detail]) => `| ${name} | ${passed ? 'pass' : 'FAIL'} | ${detail} |`),
    ...(recorder.violations.length > 0 ? ['', 'First violations:', ...recorder.violations.slice(0, 20).map((violation) => `- ${violation}`)] : []),
  ].join('\n');
  console.log(`\n${report}\n`);
  // Last, so that a log cut to its tail still says what failed.
  for (const [name, passed, detail] of checks) if (!passed) console.log(`soak: FAILED ${name}: ${detail}`);
  for (const violation of recorder.violations.slice(0, 5)) console.log(`soak: violation: ${violation}`);
  console.log(failed ? 'soak: failed' : `soak: all ${checks.length} checks passed`);
  if (options.report) {
    writeFileSync(options.report, `# Soak report\n\nGenerated by \`scripts/soak.mjs\`; see docs/security.md for what the checks mean.\n\n${report}\n`);
    console.log(`soak: report written to ${options.report}`);
  }
} finally {
  await server.stop();
  if (shardCount > 1) rmSync(shardConfigPath, { force: true });
}
process.exit(failed ? 1 : 0);
