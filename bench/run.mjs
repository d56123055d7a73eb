// `npm run bench`: starts the service in workerd, measures every route, CPU and storage, prints and writes docs/performance.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningJwk } from '../scripts/lib/signing-keys.mjs';
import { runLoad } from './load.mjs';
import { renderMarkdownReport, spliceGeneratedSections } from './report-markdown.mjs';
import { renderTerminalReport } from './report-terminal.mjs';
import { buildScenarios, countStorageOperations, prepareFixtures } from './scenarios.mjs';
import { startBenchServer } from './server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const SETTINGS = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
  durationSeconds: Number(process.env.BENCH_DURATION_SECONDS ?? 10),
  seedUsers: Number(process.env.BENCH_SEED_USERS ?? 1000),
  signingAlgorithm: 'EdDSA',
  note: process.env.BENCH_NOTE ?? '',
};
const WARMUP_SECONDS = 1;

function packageVersion(name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function describeMachine() {
  const [cpu] = cpus();
  return {
    cpuModel: cpu?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    memoryGb: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    loadAverage: loadavg().map((value) => value.toFixed(2)).join(' / '),
  };
}

function describeVersions() {
  const workerd = execFileSync(join(root, 'node_modules/.bin/workerd'), ['--version'], { encoding: 'utf8' }).trim();
  return {
    node: process.version,
    workerd: workerd.replace(/^workerd\s+/, ''),
    miniflare: packageVersion('miniflare'),
    wrangler: packageVersion('wrangler'),
    hono: packageVersion('hono'),
    jose: packageVersion('jose'),
    autocannon: packageVersion('autocannon'),
  };
}

// A short unmeasured run first, so JIT and caches are warm for the measured one (refresh and login change state: skipped).
async function warmUp(url, scenario) {
  if (scenario.method === 'POST') return;
  await runLoad(url, scenario, { connections: SETTINGS.connections, durationSeconds: WARMUP_SECONDS });
}

function averageRuns(scenario, runs) {
  const mean = (pick) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  const sum = (pick) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    key: scenario.key,
    label: scenario.label,
    storage: scenario.storage,
    requestsPerSecond: mean((run) => run.requestsPerSecond),
    p50Milliseconds: mean((run) => run.p50Milliseconds),
    p99Milliseconds: mean((run) => run.p99Milliseconds),
    total: sum((run) => run.total),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
  };
}

/**
 * The floor first, then every other route twice for half the time, in a
 * forward and then a reverse pass, then the floor again: a machine that gets
 * busier or quieter during the run shifts every route alike.
 */
async function measureThroughput(url, scenarios) {
  const floor = scenarios[0];
  const floorAgain = scenarios[scenarios.length - 1];
  const routes = scenarios.slice(1, -1);
  const half = { connections: SETTINGS.connections, durationSeconds: SETTINGS.durationSeconds / 2 };
  const runsByKey = new Map(scenarios.map((scenario) => [scenario.key, []]));
  const measure = async (scenario, settings) => {
    const measured = await runLoad(url, scenario, settings);
    console.log(`${scenario.label.padEnd(38)} ${Math.round(measured.requestsPerSecond)} req/s`);
    runsByKey.get(scenario.key).push(measured);
  };
  for (const scenario of scenarios.slice(0, -1)) await warmUp(url, scenario);
  await measure(floor, SETTINGS);
  for (const scenario of [...routes, ...[...routes].reverse()]) await measure(scenario, half);
  await measure(floorAgain, SETTINGS);
  return scenarios.map((scenario) => averageRuns(scenario, runsByKey.get(scenario.key)));
}

async function main() {
  const startedAt = Date.now();
  const machine = describeMachine();
  const signingKeys = { keys: [await generateSigningJwk(SETTINGS.signingAlgorithm)] };
  const benchKeys = { keys: await Promise.all(['EdDSA', 'ES256', 'RS256'].map((alg) => generateSigningJwk(alg))) };
  const server = await startBenchServer({
    JWT_SIGNING_KEYS: JSON.stringify(signingKeys),
    BENCH_KEYS: JSON.stringify(benchKeys),
    JWT_ISSUER: 'https://auth.bench.test',
  });
  try {
    console.log(`bench worker on ${server.url}; seeding ${SETTINGS.seedUsers} users…`);
    const fixtures = await prepareFixtures(server.url, { seedUsers: SETTINGS.seedUsers });
    const scenarios = buildScenarios(server.url, fixtures, SETTINGS.connections);
    console.log('timing CPU inside workerd…');
    // The route timings inside workerd send the bench user's access token.
    const cpu = await (await fetch(`${server.url}/__bench/cpu`, { headers: { Authorization: `Bearer ${fixtures.session.accessToken}` } })).json();
    console.log('counting storage operations…');
    const counts = await countStorageOperations(server.url, scenarios, fixtures);
    const cacheBefore = await (await fetch(`${server.url}/__bench/revocation-cache`)).json();
    const load = await measureThroughput(server.url, scenarios);
    const cacheAfter = await (await fetch(`${server.url}/__bench/revocation-cache`)).json();
    // Only /auth/me consults the cache during the load runs.
    const revocationCache = { hits: cacheAfter.hits - cacheBefore.hits, misses: cacheAfter.misses - cacheBefore.misses };
    const results = {
      finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      elapsedSeconds: (Date.now() - startedAt) / 1000,
      machine,
      versions: describeVersions(),
      settings: SETTINGS,
      load,
      cpu,
      counts,
      revocationCache,
    };
    const documentPath = join(root, 'docs/performance.md');
    const existing = existsSync(documentPath) ? readFileSync(documentPath, 'utf8') : null;
    writeFileSync(documentPath, spliceGeneratedSections(existing, renderMarkdownReport(results)));
    console.log(renderTerminalReport(results));
  } finally {
    await server.stop();
  }
}

await main();
