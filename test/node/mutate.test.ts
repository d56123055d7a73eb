// The mutation sweep's own logic (scripts/lib/mutation.mjs and the mutant list), without running a sweep.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MUTANTS } from '../../scripts/lib/mutants.mjs';
import { applyMutant, checkMutantList, failingTests, formatScore, guardReport, mutationScore, withMutantApplied } from '../../scripts/lib/mutation.mjs';

const SOURCE = 'const within = now - rotatedAt <= grace;\nreturn within;\n';
const BOUNDARY = { original: 'now - rotatedAt <= grace', replacement: 'now - rotatedAt < grace' };

describe('applyMutant', () => {
  it('replaces the one occurrence of the snippet', () => {
    expect(applyMutant(SOURCE, BOUNDARY)).toEqual({ applicable: true, text: 'const within = now - rotatedAt < grace;\nreturn within;\n' });
  });

  it('reports a missing snippet as not applicable', () => {
    expect(applyMutant('const within = true;', BOUNDARY)).toEqual({ applicable: false, reason: 'snippet not found' });
  });

  it('refuses a snippet that occurs twice, rather than guessing which one is meant', () => {
    expect(applyMutant(SOURCE + SOURCE, BOUNDARY)).toEqual({ applicable: false, reason: 'snippet occurs more than once' });
  });

  it('refuses a mutant that changes nothing', () => {
    expect(applyMutant(SOURCE, { original: 'grace', replacement: 'grace' }).applicable).toBe(false);
  });
});

describe('withMutantApplied', () => {
  let dir = '';
  let file = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mutate-test-'));
    file = join(dir, 'refresh.ts');
    await writeFile(file, SOURCE);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the work with the mutant in the file and restores the original afterwards', async () => {
    const seen = await withMutantApplied(file, BOUNDARY, () => readFile(file, 'utf8'));
    expect(seen).toEqual({ applicable: true, result: 'const within = now - rotatedAt < grace;\nreturn within;\n' });
    expect(await readFile(file, 'utf8')).toBe(SOURCE);
  });

  it('restores the original even when the work throws', async () => {
    await expect(withMutantApplied(file, BOUNDARY, () => Promise.reject(new Error('suite crashed')))).rejects.toThrow('suite crashed');
    expect(await readFile(file, 'utf8')).toBe(SOURCE);
  });

  it('does not run the work, nor touch the file, when the snippet is missing', async () => {
    let ran = false;
    const outcome = await withMutantApplied(file, { original: 'absent', replacement: 'x' }, async () => {
      ran = true;
    });
    expect(outcome).toEqual({ applicable: false, reason: 'snippet not found' });
    expect(ran).toBe(false);
    expect(await readFile(file, 'utf8')).toBe(SOURCE);
  });
});

describe('mutationScore', () => {
  it('scores killed over applicable mutants and keeps not-applicable ones out of it', () => {
    const outcomes = [
      ...Array.from({ length: 19 }, () => ({ status: 'killed' as const })),
      { status: 'survived' as const },
      { status: 'not-applicable' as const },
      { status: 'not-applicable' as const },
    ];
    const score = mutationScore(outcomes);
    expect(score).toEqual({ killed: 19, survived: 1, notApplicable: 2, applicable: 20, percent: 95 });
    expect(formatScore(score)).toBe('score: 19/20 killed (95.0 %); 1 survived; 2 not applicable');
  });

  it('rounds to one decimal and has no percentage when nothing applied', () => {
    expect(mutationScore([{ status: 'killed' }, { status: 'killed' }, { status: 'survived' }]).percent).toBe(66.7);
    expect(mutationScore([{ status: 'not-applicable' }])).toMatchObject({ applicable: 0, percent: null });
  });
});

describe('failingTests (--guards)', () => {
  const root = '/tmp/edge-auth-mutate-x';
  it('names each failing test by its file (relative to the copy) and full name, and ignores passing ones', () => {
    const report = {
      testResults: [
        {
          name: `${root}/test/security/totp.test.ts`,
          status: 'failed',
          assertionResults: [
            { fullName: 'POST /auth/login/mfa refuses a replayed code', status: 'failed' },
            { fullName: 'POST /auth/login/mfa signs in', status: 'passed' },
          ],
        },
        { name: `${root}/test/unit/totp.test.ts`, status: 'passed', assertionResults: [{ fullName: 'codes', status: 'passed' }] },
      ],
    };
    expect(failingTests(report, root)).toEqual(['test/security/totp.test.ts › POST /auth/login/mfa refuses a replayed code']);
  });

  it('counts a file that failed without a failing test (it did not load) as one entry', () => {
    const report = { testResults: [{ name: `${root}/test/unit/broken.test.ts`, status: 'failed', message: 'SyntaxError', assertionResults: [] }] };
    expect(failingTests(report, root)).toEqual(['test/unit/broken.test.ts']);
  });

  it('finds nothing in an empty or missing report', () => {
    expect(failingTests(null, root)).toEqual([]);
    expect(failingTests({}, root)).toEqual([]);
  });
});

describe('guardReport (--guards)', () => {
  it('lists the killed mutants that failed exactly one test, and counts a timeout apart', () => {
    const report = guardReport([
      { id: 'one', status: 'killed', failingTests: ['test/a.test.ts › only this'] },
      { id: 'two', status: 'killed', failingTests: ['test/a.test.ts › x', 'test/unit/b.test.ts › y'] },
      { id: 'slow', status: 'killed', failingTests: null },
      { id: 'alive', status: 'survived', failingTests: [] },
      { id: 'moved', status: 'not-applicable' },
    ]);
    expect(report.singles).toEqual([{ id: 'one', test: 'test/a.test.ts › only this' }]);
    expect(report.counted).toBe(2);
    expect(report.uncounted).toEqual(['slow']);
    expect(report.lines).toEqual(['single guards: 1 of 2 killed mutants fail exactly one test (1 not counted: slow)', '  one: test/a.test.ts › only this']);
  });

  it('says so when no mutant rests on a single test', () => {
    expect(guardReport([{ id: 'two', status: 'killed', failingTests: ['a', 'b'] }]).lines).toEqual(['single guards: 0 of 1 killed mutants fail exactly one test']);
  });
});

describe('the mutant list', () => {
  it('is sound: at least 80 mutants, unique ids, every field present, all in the service or verifier code', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(80);
    expect(checkMutantList(MUTANTS)).toEqual([]);
    // Mail (notices, webhook signatures), the routes' per-IP buckets and the public origin carry security rules too.
    for (const mutant of MUTANTS) expect(mutant.file).toMatch(/^src\/(?!client\/)([a-z-]+\/)*[a-z-]+\.ts$/);
  });

  it('finds each listed snippet in this tree exactly once (`npm run mutate -- --list`)', () => {
    const output = execFileSync(process.execPath, ['scripts/mutate.mjs', '--list'], { encoding: 'utf8' });
    expect(output.split('\n').filter((line) => line.startsWith('NOT APPLICABLE'))).toEqual([]);
    expect(output.split('\n').filter((line) => line.startsWith('ok'))).toHaveLength(MUTANTS.length);
  });

  it('flags a broken list: duplicate ids and missing fields', () => {
    const mutant = { id: 'a', file: 'src/auth/x.ts', original: 'x', replacement: 'y', description: 'bug' };
    expect(checkMutantList([mutant, { ...mutant }])).toEqual(['a: duplicate id']);
    expect(checkMutantList([{ ...mutant, original: '' }])).toEqual(['a: original missing']);
  });
});
