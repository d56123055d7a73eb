#!/usr/bin/env node
// Mutation sweep: applies each listed mutant (scripts/lib/mutants.mjs) to a
// scratch copy of the repository, one at a time, runs the workerd suite with
// --bail=1, and prints killed / survived / not applicable and the score.
// The working tree is never modified. CPU heavy: run on demand, not in CI.
//
//   npm run mutate                       every mutant, after a clean baseline run
//   npm run mutate -- --only a,b         just these mutant ids
//   npm run mutate -- --list             print the list and check the snippets, run nothing
//   npm run mutate -- --skip-baseline    trust that the suite passes unmutated
//   npm run mutate -- --json out.json    also write the outcomes as JSON
//   npm run mutate -- --per-file         instead: run each hinted test file alone against
//                                        each mutant, to show which files catch it independently
//   npm run mutate -- --hinted-only      judge each mutant by its hinted files alone (a quick check while
//                                        writing mutants: a survivor there may still die in the full suite)
//   npm run mutate -- --guards           instead: run the whole workerd suite without --bail against
//                                        each mutant, count the failing tests, and list the mutants
//                                        killed by exactly one test (slow: a full suite per mutant)

import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MUTANTS } from './lib/mutants.mjs';
import { applyMutant, checkMutantList, failingTests, formatScore, guardReport, mutationScore, withMutantApplied } from './lib/mutation.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOT_COPIED = new Set(['node_modules', '.git', '.wrangler', '.stryker-tmp', 'reports']);
const RUN_TIMEOUT_MILLISECONDS = 15 * 60 * 1000;

const { values: options } = parseArgs({
  options: {
    only: { type: 'string' },
    list: { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    json: { type: 'string' },
    'per-file': { type: 'boolean', default: false },
    guards: { type: 'boolean', default: false },
    'hinted-only': { type: 'boolean', default: false },
  },
});

/**
 * Runs vitest in `cwd`; resolves to whether it passed and the first failing file it named.
 * With `reportTo`, runs without --bail and with Vitest's JSON reporter alone, writing there (the
 * default reporter's failure summary needs Node 21+, and a crash in it would lose the report).
 */
function runSuite(cwd, files = [], reportTo = null) {
  const vitest = join(cwd, 'node_modules', 'vitest', 'vitest.mjs');
  const mode = reportTo === null ? ['--bail=1'] : ['--reporter=json', `--outputFile.json=${reportTo}`];
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [vitest, 'run', ...mode, ...files], {
      cwd,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-200_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MILLISECONDS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // eslint-disable-next-line no-control-regex
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
      const failing = /FAIL\s+(\S+\.test\.ts)/.exec(plain)?.[1] ?? null;
      resolvePromise({ passed: code === 0, timedOut: signal === 'SIGKILL', failing, tail: plain.split('\n').slice(-25).join('\n') });
    });
  });
}

async function makeScratchCopy() {
  const scratch = await mkdtemp(join(tmpdir(), 'edge-auth-mutate-'));
  await cp(ROOT, scratch, {
    recursive: true,
    filter: (source) => {
      const top = relative(ROOT, source).split(sep)[0];
      return !NOT_COPIED.has(top ?? '');
    },
  });
  await symlink(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  return scratch;
}

/** Kills the mutant if the hinted files or, failing that, the whole suite fail. */
async function judge(scratch, mutant) {
  const hinted = (mutant.tests ?? []).filter((file) => file !== '');
  if (hinted.length > 0) {
    const first = await runSuite(scratch, hinted);
    if (!first.passed) return { status: 'killed', by: first.timedOut ? 'timeout' : (first.failing ?? hinted.join(' ')) };
    if (options['hinted-only']) return { status: 'survived', by: null };
  }
  const full = await runSuite(scratch);
  if (!full.passed) return { status: 'killed', by: full.timedOut ? 'timeout' : (full.failing ?? 'the workerd suite') };
  return { status: 'survived', by: null };
}

/** Runs each hinted file alone: which of them catch the mutant on their own. */
async function judgeEachFile(scratch, mutant) {
  const catching = [];
  for (const file of mutant.tests ?? []) {
    if (!(await runSuite(scratch, [file])).passed) catching.push(file);
  }
  return { status: catching.length > 0 ? 'killed' : 'survived', by: catching.length > 0 ? catching.join(', ') : null, catching: catching.length };
}

/** Runs the whole suite without --bail and counts the tests that fail: how many guard the mutant. */
async function judgeGuards(scratch) {
  const reportTo = join(scratch, '.mutate-guards.json');
  await rm(reportTo, { force: true });
  const run = await runSuite(scratch, [], reportTo);
  const report = await readFile(reportTo, 'utf8').then(JSON.parse, () => null);
  const failing = report === null ? null : failingTests(report, scratch);
  if (run.passed) return { status: 'survived', by: null, failingTests: [] };
  if (run.timedOut || failing === null) return { status: 'killed', by: run.timedOut ? 'timeout' : `the workerd suite (no report; its output ended:\n${run.tail})`, failingTests: null };
  return { status: 'killed', by: `${failing.length} failing test${failing.length === 1 ? '' : 's'}${failing.length === 1 ? `: ${failing[0]}` : ''}`, failingTests: failing };
}

async function listOnly(mutants) {
  for (const mutant of mutants) {
    const source = await readFile(join(ROOT, mutant.file), 'utf8').catch(() => null);
    const applied = source === null ? { applicable: false, reason: 'file not found' } : applyMutant(source, mutant);
    console.log(`${applied.applicable ? 'ok            ' : `NOT APPLICABLE (${applied.reason})`}  ${mutant.id}  ${mutant.file}: ${mutant.description}`);
  }
}

async function main() {
  const problems = checkMutantList(MUTANTS);
  if (problems.length > 0) throw new Error(`the mutant list is broken:\n${problems.join('\n')}`);
  const wanted = options.only ? new Set(options.only.split(',').map((id) => id.trim())) : null;
  const mutants = wanted ? MUTANTS.filter((mutant) => wanted.has(mutant.id)) : MUTANTS;
  if (wanted && mutants.length !== wanted.size) throw new Error(`unknown mutant id in --only: ${options.only}`);
  if (options.list) return listOnly(mutants);

  const scratch = await makeScratchCopy();
  const startedAt = Date.now();
  const outcomes = [];
  try {
    console.log(`mutation sweep: ${mutants.length} mutants, scratch copy ${scratch}`);
    if (!options['skip-baseline']) {
      const baseline = await runSuite(scratch);
      if (!baseline.passed) throw new Error(`the unmutated suite fails; fix it before a sweep:\n${baseline.tail}`);
      console.log('baseline: the unmutated workerd suite passes');
    }
    for (const [index, mutant] of mutants.entries()) {
      const began = Date.now();
      const run = await withMutantApplied(join(scratch, mutant.file), mutant, () => (options.guards ? judgeGuards(scratch) : options['per-file'] ? judgeEachFile(scratch, mutant) : judge(scratch, mutant))).catch((error) =>
        error?.code === 'ENOENT' ? { applicable: false, reason: 'file not found' } : Promise.reject(error),
      );
      const outcome = run.applicable
        ? { id: mutant.id, file: mutant.file, ...run.result }
        : { id: mutant.id, file: mutant.file, status: 'not-applicable', by: run.reason };
      outcomes.push(outcome);
      const seconds = Math.round((Date.now() - began) / 1000);
      const detail = outcome.status === 'killed' ? `by ${outcome.by}${options['per-file'] ? ` (${outcome.catching} of ${(mutant.tests ?? []).length} files alone)` : ''}` : outcome.status === 'not-applicable' ? outcome.by : mutant.description;
      console.log(`[${index + 1}/${mutants.length}] ${outcome.status.toUpperCase().padEnd(14)} ${mutant.id} (${mutant.file}, ${seconds} s): ${detail}`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const score = mutationScore(outcomes);
  console.log(formatScore(score));
  if (options.guards) for (const line of guardReport(outcomes).lines) console.log(line);
  console.log(`took ${Math.round((Date.now() - startedAt) / 60_000)} min`);
  if (options.json) await writeFile(options.json, `${JSON.stringify({ date: new Date().toISOString(), score, outcomes }, null, 2)}\n`);
  if (score.survived > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
