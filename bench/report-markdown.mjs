// Writes docs/performance.md from one bench run: figures, cost model, targets and how to read them.
import { costPerMillion, PRICES, REFERENCE_APP, referenceMonthlyBill } from './cost-model.mjs';
import { bar, cacheHitRatio, evaluateTargets, floorOf, formatNumber, referenceUsage, SIMULATOR_NOTE, verifyRatios } from './summary.mjs';

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function usd(value) {
  return value < 0.01 && value > 0 ? `$${value.toFixed(4)}` : `$${formatNumber(value, 2)}`;
}

function throughputSection(results) {
  const floor = floorOf(results.load);
  const maximum = Math.max(...results.load.map((run) => run.requestsPerSecond));
  const rows = results.load.map((run) => [
    run.storage ? `${run.label} †` : run.label,
    formatNumber(run.requestsPerSecond),
    formatNumber(run.p50Milliseconds, 1),
    formatNumber(run.p99Milliseconds, 1),
    `${formatNumber(run.requestsPerSecond / floor.mean, 2)}×`,
    String(run.non2xx + run.errors),
  ]);
  const chart = results.load.map((run) => `${run.label.padEnd(38)} ${bar(run.requestsPerSecond, maximum)} ${formatNumber(run.requestsPerSecond)}`);
  return [
    '## Throughput on loopback',
    '',
    `${results.settings.connections} connections per route. The floor ran first and last for ${results.settings.durationSeconds} s; every other route ran twice for ${results.settings.durationSeconds / 2} s, once in a forward pass in table order and once in a reverse pass, and its figures are the mean of the two (p50 and p99 too), so a machine that gets busier or quieter during the run shifts every route alike. "× bare" divides by the floor: the mean of the first and the last bare run. † marks routes whose figure depends on the local KV or D1 simulator: ${SIMULATOR_NOTE}, so every ratio in those rows understates the service against production. "errors" counts non-2xx answers and socket errors (it should be 0).`,
    '',
    table(['route', 'req/s', 'p50 ms', 'p99 ms', '× bare', 'errors'], rows),
    '',
    '```',
    ...chart,
    '```',
    '',
    `Drift: the floor ran at ${formatNumber(floor.first)} req/s first and ${formatNumber(floor.last)} req/s last (${formatNumber(floor.driftPercent, 1)}%). A drift of more than a few percent means the machine was busy with something else; compare ratios, not absolute figures.`,
    '',
  ];
}

function cpuSection(results) {
  const rows = results.cpu.timings.map((timing) => [
    timing.name,
    formatNumber(timing.fastestMicroseconds, 1),
    formatNumber(timing.medianMicroseconds, 1),
    formatNumber(timing.slowestMicroseconds, 1),
    `${timing.batches} × ${timing.iterationsPerBatch}`,
  ]);
  const ratios = verifyRatios(results.cpu).map(({ alg, raw, path, ratio, keyImport, uncachedRatio, hono, honoRatio }) => [
    alg,
    formatNumber(raw, 1),
    formatNumber(path, 1),
    `**${formatNumber(ratio, 2)}×**`,
    formatNumber(keyImport, 1),
    `${formatNumber(uncachedRatio, 2)}×`,
    `${formatNumber(hono, 1)} (${formatNumber(honoRatio, 2)}×)`,
  ]);
  return [
    '## CPU inside workerd per operation',
    '',
    'Microseconds per call, from batches of calls timed inside the isolate (see "How this is measured"). Other processes can only add time to a batch, never remove it, so the fastest batch is the best estimate of the operation\'s own CPU cost; the cost model uses it. The median and slowest batches show how busy the machine was.',
    '',
    table(['operation', 'fastest µs', 'median µs', 'slowest µs', 'batches × calls'], rows),
    '',
    'The last four rows time whole requests sent to a Hono app inside the isolate (no network, no storage; the two bearer routes with the bench user\'s token): the plain floor route, the app\'s middleware on `/health`, our verify-only route and the hono `jwk` peer route. Comparing the last two is the storage-free, load-generator-free version of the throughput comparison.',
    '',
    'The service\'s verification path (`verifyAccessToken` in src/tokens/access.ts: parsing, header rules, the signature, every claim check) against a bare `crypto.subtle.verify` of the same token\'s signature with the same key. Each ratio is the median, over rounds, of the two operations\' per-round ratio (they ran side by side, so a busy moment slows both alike); the microsecond columns are fastest batches:',
    '',
    table(['algorithm', 'raw subtle.verify µs', 'verify path µs', 'ratio', 'key import µs', 'ratio without the import cache', 'hono jwk verify µs (ratio)'], ratios),
    '',
    'Both sides of each ratio are CPU inside workerd with no storage involved, so the ratio carries over to production. The last two columns are the before/after of the per-isolate key-import cache (src/tokens/access.ts): without it, every request would also import the public key from its JWK, as hono\'s `jwk` middleware does on every request. The last column times hono\'s own verification (`Jwt.verifyWithJwks`, what its `jwk` middleware calls) on the same token, for the peer comparison without HTTP or storage in the way.',
    '',
  ];
}

function storageSection(results) {
  const rows = results.load
    .filter((run) => results.counts[run.key])
    .map((run) => {
      const counts = results.counts[run.key];
      return [run.label, counts.d1RoundTrips, counts.d1Statements, counts.d1RowsRead, counts.d1RowsWritten, counts.kvReads, counts.kvWrites + counts.kvDeletes].map((value) => (typeof value === 'number' ? formatNumber(value, value % 1 === 0 ? 0 : 1) : value));
    });
  return [
    '## Storage operations per request',
    '',
    'Counted by wrapping the real local D1 and KV bindings with `instrumentBindings` from test/helpers/bindings.ts (the same wrappers the storage-budget tests use), over five requests of each operation, averaged. A `batch()` is one round trip; rows are D1\'s own `meta.rows_read` and `meta.rows_written`, the figures D1 bills. Counts do not depend on the simulators\' speed: they carry over to production as they are.',
    '',
    table(['operation', 'D1 round trips', 'D1 statements', 'D1 rows read', 'D1 rows written', 'KV reads', 'KV writes'], rows),
    '',
  ];
}

function largestLines(lines) {
  return [...lines]
    .sort((a, b) => b.usd - a.usd)
    .slice(0, 3)
    .map((line) => `${line.label} ${usd(line.usd)}`)
    .join(', ');
}

const WHY_LINES_COST = {
  kvReads: 'KV reads come from the revocation check of protected requests that miss the isolate cache, the price of a logout that takes effect before the token expires (0 KV would need the flag elsewhere, or no early revocation).',
  d1RowsWritten: 'D1 rows written come from refreshes (one session row rewritten each, no index entry touched) and logins (the session row, its two index entries and the sign-in event), so shorter access tokens mean more refreshes and more writes.',
  requests: 'Requests are billed whatever the work; every protected request is one.',
  cpuMilliseconds: 'CPU is mostly the password hash at login.',
};

function explainLargest(lines) {
  const [largest, second] = [...lines].sort((a, b) => b.usd - a.usd);
  return [largest, second].map((line) => WHY_LINES_COST[line?.key] ?? '').filter(Boolean).join(' ');
}

function costSection(results) {
  const alg = results.settings.signingAlgorithm;
  const usage = referenceUsage(results);
  const priceRows = Object.values(PRICES.lines).map((line) => [line.label, formatNumber(line.includedPerMonth), `$${formatNumber(line.usdPerMillion, line.usdPerMillion < 0.01 ? 3 : 2)} per million`]);
  const perMillionRows = Object.entries(usage).map(([operation, used]) => {
    const cost = costPerMillion(used);
    return [operation, formatNumber(used.cpuMilliseconds, 2), ...cost.lines.map((line) => usd(line.usd)), `**${usd(cost.totalUsd)}**`];
  });
  const bill = referenceMonthlyBill(usage);
  const billRows = bill.lines.map((line) => [line.label, formatNumber(line.used), formatNumber(line.included), usd(line.usd)]);
  const app = REFERENCE_APP;
  return [
    '## Cost model',
    '',
    `Prices of the Workers Paid plan (USD; $${PRICES.workersBaseUsdPerMonth} a month minimum), read on ${PRICES.readOn} from Cloudflare's pricing pages: ${PRICES.sources.map((source) => `<${source}>`).join(', ')}. The same Workers rates appear on Cloudflare's Workflows pricing page, which bills as Workers Standard. KV deletes and lists are priced like writes. Prices change: check them before relying on the totals; the figures live in bench/cost-model.mjs.`,
    '',
    table(['line', 'included per month', 'then'], priceRows),
    '',
    `Usage per operation: one Workers request; CPU composed from the table above (the app's own per-request overhead plus the crypto the operation performs, with the ${alg} key: protected = overhead + verify path; refresh = overhead + 2 SHA-256 + seal + sign; login = overhead + password verify + SHA-256 + sign); D1 rows and KV operations as counted, except the protected request's KV reads: ${formatNumber(1 - REFERENCE_APP.revocationCacheHitRatio, 2)} per request, from an assumed ${formatNumber(REFERENCE_APP.revocationCacheHitRatio * 100)}% revocation-cache hit ratio (bursts of 5 calls per session inside REVOCATION_CACHE_SECONDS; this run measured ${cacheHitRatio(results) === null ? 'no ratio' : `${formatNumber(cacheHitRatio(results) * 100, 1)}% over its /auth/me runs, which revisit each of its sessions far more often than an app would`}).`,
    '',
    '### One million operations, past the included usage',
    '',
    table(['operation', 'CPU ms each', ...Object.values(PRICES.lines).map((line) => line.label), 'total'], perMillionRows),
    '',
    '### Reference app',
    '',
    `${formatNumber(app.dailyUsers)} daily users, ${app.hoursOfUsePerDay} h of use a day, ${app.accessTokenMinutes}-minute access tokens (so ${formatNumber((app.hoursOfUsePerDay * 60) / app.accessTokenMinutes)} refreshes per user a day), assumed ${app.loginsPerUserPerDay} login per user a day and ${app.protectedRequestsPerUserPerMinute} protected request per user per minute of use, over ${app.daysPerMonth} days: ${formatNumber(bill.volumes.protected)} protected requests, ${formatNumber(bill.volumes.refresh)} refreshes and ${formatNumber(bill.volumes.login)} logins a month.`,
    '',
    table(['line', 'used per month', 'included', 'cost'], billRows),
    '',
    `**About ${usd(bill.totalUsd)} a month** including the $${PRICES.workersBaseUsdPerMonth} plan. Largest lines: ${largestLines(bill.lines)}. ${explainLargest(bill.lines)} Storage (D1 GB-months) is left out: sessions and refresh tokens are small rows, far inside the included 5 GB for this app.`,
    '',
  ];
}

const HOW_TO_READ = [
  '## How to read these numbers',
  '',
  '- **Local workerd is not production.** The service runs here in one workerd process on a shared 2-core machine, with the load generator on the same cores. Absolute requests per second and latencies describe this machine on this day, not Cloudflare\'s network; do not quote them as capacity.',
  `- **Local KV and D1 are simulators**, far slower than production: a KV read or a D1 query here goes through a local Durable Object and SQLite file, so routes that touch storage (marked †) look worse next to the floor than they will in production, and the gap between /auth/me and the D1 peer is measured through two different simulators.`,
  '- **What carries over:** ratios between routes measured in the same run (how much verification, a KV read or a D1 lookup adds over the floor), CPU per operation inside workerd (the same V8 and BoringSSL that production runs, though on a different CPU), the verify path\'s overhead over raw `subtle.verify`, and the storage operation counts, which are exact and are what Cloudflare bills.',
  '- **What does not:** absolute req/s and milliseconds, and anything the simulators dominate (login and refresh throughput are bound by PBKDF2 and D1 writes respectively).',
  '- **Noise:** the figures were taken while other work shared the CPU; the drift between the first and last floor runs and the median and slowest CPU columns show how much. Rerun `npm run bench` on a quiet machine before comparing small differences.',
  '',
];

const HOW_MEASURED = [
  '## How this is measured',
  '',
  '- `npm run bench` (bench/run.mjs) bundles bench/worker.ts with esbuild and starts it directly in workerd through Miniflare\'s API, with in-memory local D1 (migrations applied) and KV, no `wrangler dev` proxy in front. bench/worker.ts mounts the real app from src/app.ts and adds bench-only routes under `/__bench/`; they never ship in the production worker (src/index.ts does not import them).',
  '- Load comes from autocannon on loopback. Refresh follows one refresh-token chain per connection (each response\'s token is the next request\'s), so every request is a real rotation; login checks the password at the configured PBKDF2 parameters every time.',
  '- The hono peer is `jwk()` from `hono/jwk` with our published JWKS handed over as `keys` once per isolate (hono\'s `jwks_uri` option would fetch the JWKS on every request), checking `typ`, `iss` and `aud` like we do. The D1 peer treats the bearer as an opaque session id and runs one indexed `SELECT` joining sessions and users per request, the way session-table systems authenticate.',
  '- **CPU inside workerd.** Workerd only advances `Date.now()` across I/O (a Spectre mitigation), so a request cannot time its own code directly. `/__bench/cpu` brackets a batch of N calls between two zero-delay timers (a timer firing is I/O, so the clock is read fresh after each), subtracts the cost of an empty bracket, and divides by N. N doubles until the faster of two batches takes at least 20 ms; then the operations of a group (one algorithm\'s raw verify, verify path, sign, key import and hono verify; or the request and hash operations) run in fifteen interleaved rounds, so a busy neighbour slows all of them alike, and the fastest, median and slowest batch are reported. Nothing else runs in that isolate meanwhile, so wall time in the batch is the isolate\'s CPU time, plus whatever the operating system took away on this shared machine.',
  '- /auth/me is driven from an access token of every seeded session (1,000 by default), each serving a burst of 5 requests before the next session\'s turn, round-robin, the way a single-page app calls its API after a navigation; the revocation cache\'s hits and misses over those runs give its hit ratio. With 10 connections a burst\'s requests are in flight together, so several of one burst can miss before the first answer fills the cache: the measured ratio is a floor, not the app\'s.\n- Storage counts go through `X-Bench-Count` requests, which the bench worker routes to counted bindings with the default configuration (the per-IP limit is the Rate Limiting binding, which stores nothing in D1 or KV). Load runs use the plain bindings and lift the per-IP limit (`IP_RATE_LIMIT_PER_MINUTE=0`), since every request comes from 127.0.0.1.',
  '',
];

function targetWord(pass) {
  if (pass === null) return 'for comparison';
  return pass ? '**pass**' : '**falls short**';
}

const SECTION_START = '<!-- npm run bench: generated from here -->';
const SECTION_END = '<!-- npm run bench: generated up to here -->';

/**
 * Puts the generated sections into docs/performance.md: between the bench
 * markers when they are there, else after what the file already holds.
 * `existing` is the file's text, or `null` when there is no file yet.
 */
export function spliceGeneratedSections(existing, generated) {
  const block = `${SECTION_START}\n\n${generated.trimEnd()}\n\n${SECTION_END}\n`;
  if (existing === null) return `# Performance\n\n${block}`;
  const start = existing.indexOf(SECTION_START);
  const end = existing.indexOf(SECTION_END);
  if (start !== -1 && end > start) return existing.slice(0, start) + block + existing.slice(end + SECTION_END.length).replace(/^\n/, '');
  return `${existing.trimEnd()}\n\n${block}`;
}

/** Renders the generated sections of docs/performance.md for one run. */
export function renderMarkdownReport(results) {
  const targets = evaluateTargets(results).map((target) => `- ${targetWord(target.pass)}: ${target.text}`);
  const { machine, versions, settings } = results;
  return [
    `The sections from here to the end marker are generated by \`npm run bench\` (last run ${results.finishedAt}, ${formatNumber(results.elapsedSeconds)} s); do not edit them by hand, rerun the command. The rest of this file is kept as it is.`,
    '',
    '## Machine and versions',
    '',
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${formatNumber(machine.memoryGb, 1)} GB RAM, ${machine.os}; load average ${machine.loadAverage} when the run started${settings.note ? ` (${settings.note})` : ''}.`,
    `- Versions: ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`,
    `- Settings: signing key ${settings.signingAlgorithm}; ${formatNumber(settings.seedUsers)} seeded users with a session each; ${settings.connections} connections; ${settings.durationSeconds} s per route.`,
    '',
    ...throughputSection(results),
    ...cpuSection(results),
    ...storageSection(results),
    ...costSection(results),
    '## Targets',
    '',
    'Printed by the bench as pass / fall-short lines; timings are noisy, so they are not asserted in tests (the storage budget is, in the test suite). The /auth/me targets compare a route that reads the KV simulator with peers that read nothing (hono) or read the D1 simulator, so they say more about the simulators than about the service; the storage-free comparison line below is the one that carries over.',
    '',
    ...targets,
    '',
    ...HOW_TO_READ,
    ...HOW_MEASURED,
  ].join('\n');
}
