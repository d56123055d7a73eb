// The pure parts of the mutation sweep (scripts/mutate.mjs): applying one listed
// mutant to a source text, restoring a file whatever happens, and the score.

import { readFile, writeFile } from 'node:fs/promises';

/**
 * @typedef {object} Mutant
 * @property {string} id           short stable name, e.g. "refresh-hash-reversible"
 * @property {string} file         path from the repository root
 * @property {string} original     exact snippet that must occur once in the file
 * @property {string} replacement  what the snippet becomes
 * @property {string} description  the realistic bug this stands for
 * @property {string[]} [tests]    test files likely to catch it, run first (a hint, never the verdict)
 */

/**
 * Applies a mutant to a file's text. A snippet that is missing or occurs more
 * than once makes the mutant not applicable: the code moved on, and the list
 * needs updating; it never counts as killed.
 * @param {string} source
 * @param {Pick<Mutant, 'original' | 'replacement'>} mutant
 * @returns {{ applicable: true, text: string } | { applicable: false, reason: string }}
 */
export function applyMutant(source, mutant) {
  if (mutant.original === '') return { applicable: false, reason: 'empty snippet' };
  if (mutant.original === mutant.replacement) return { applicable: false, reason: 'replacement equals the original' };
  const first = source.indexOf(mutant.original);
  if (first < 0) return { applicable: false, reason: 'snippet not found' };
  if (source.indexOf(mutant.original, first + 1) >= 0) return { applicable: false, reason: 'snippet occurs more than once' };
  return { applicable: true, text: source.slice(0, first) + mutant.replacement + source.slice(first + mutant.original.length) };
}

/**
 * Writes the mutant into `path`, runs `work`, and always puts the original
 * text back (also when `work` throws). Resolves to `work`'s result, or to
 * `{ applicable: false, reason }` without calling `work`.
 * @template T
 * @param {string} path
 * @param {Pick<Mutant, 'original' | 'replacement'>} mutant
 * @param {() => Promise<T>} work
 * @returns {Promise<{ applicable: true, result: T } | { applicable: false, reason: string }>}
 */
export async function withMutantApplied(path, mutant, work) {
  const original = await readFile(path, 'utf8');
  const applied = applyMutant(original, mutant);
  if (!applied.applicable) return applied;
  await writeFile(path, applied.text);
  try {
    return { applicable: true, result: await work() };
  } finally {
    await writeFile(path, original);
  }
}

/**
 * Checks a mutant list: unique ids, every field present.
 * @param {readonly Mutant[]} mutants
 * @returns {string[]} problems, empty when the list is sound
 */
export function checkMutantList(mutants) {
  const problems = [];
  const seen = new Set();
  for (const mutant of mutants) {
    for (const field of ['id', 'file', 'original', 'replacement', 'description']) {
      if (typeof mutant[field] !== 'string' || (field !== 'replacement' && mutant[field] === '')) problems.push(`${mutant.id ?? '?'}: ${field} missing`);
    }
    if (seen.has(mutant.id)) problems.push(`${mutant.id}: duplicate id`);
    seen.add(mutant.id);
  }
  return problems;
}

/**
 * The score over applicable mutants: killed / (killed + survived).
 * Not-applicable mutants are counted apart and never in the score.
 * @param {readonly { status: 'killed' | 'survived' | 'not-applicable' }[]} outcomes
 */
export function mutationScore(outcomes) {
  const killed = outcomes.filter((outcome) => outcome.status === 'killed').length;
  const survived = outcomes.filter((outcome) => outcome.status === 'survived').length;
  const notApplicable = outcomes.filter((outcome) => outcome.status === 'not-applicable').length;
  const applicable = killed + survived;
  const percent = applicable === 0 ? null : Math.round((killed / applicable) * 1000) / 10;
  return { killed, survived, notApplicable, applicable, percent };
}

/**
 * One line of the final report.
 * @param {ReturnType<typeof mutationScore>} score
 */
export function formatScore(score) {
  const percent = score.percent === null ? 'n/a' : `${score.percent.toFixed(1)} %`;
  return `score: ${score.killed}/${score.applicable} killed (${percent}); ${score.survived} survived; ${score.notApplicable} not applicable`;
}

/**
 * The failing tests a Vitest JSON report names, each as "file › full name"
 * with the file relative to `root`. A file that failed without running a
 * test (it did not load, or its hooks threw) counts as one entry, "file".
 * @param {{ testResults?: { name: string, status?: string, message?: string, assertionResults?: { fullName?: string, title?: string, status: string }[] }[] } | null} report
 * @param {string} root
 * @returns {string[]}
 */
export function failingTests(report, root) {
  const failing = [];
  for (const file of report?.testResults ?? []) {
    const name = file.name.startsWith(`${root}/`) ? file.name.slice(root.length + 1) : file.name;
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (failed.length > 0) failing.push(...failed.map((test) => `${name} › ${test.fullName ?? test.title ?? '?'}`));
    else if (file.status === 'failed') failing.push(name);
  }
  return failing;
}

/**
 * The `--guards` summary: for each killed mutant, how many tests failed; the
 * mutants that rest on exactly one test are listed with it (a rule that
 * matters wants two independent tests). Outcomes without a count (a timeout)
 * are counted apart.
 * @param {readonly { id: string, status: string, failingTests?: string[] | null }[]} outcomes
 * @returns {{ singles: { id: string, test: string }[], counted: number, uncounted: string[], lines: string[] }}
 */
export function guardReport(outcomes) {
  const killed = outcomes.filter((outcome) => outcome.status === 'killed');
  const counted = killed.filter((outcome) => Array.isArray(outcome.failingTests));
  const uncounted = killed.filter((outcome) => !Array.isArray(outcome.failingTests)).map((outcome) => outcome.id);
  const singles = counted.filter((outcome) => outcome.failingTests?.length === 1).map((outcome) => ({ id: outcome.id, test: outcome.failingTests?.[0] ?? '' }));
  const lines = [
    `single guards: ${singles.length} of ${counted.length} killed mutants fail exactly one test${uncounted.length > 0 ? ` (${uncounted.length} not counted: ${uncounted.join(', ')})` : ''}`,
    ...singles.map((single) => `  ${single.id}: ${single.test}`),
  ];
  return { singles, counted: counted.length, uncounted, lines };
}
