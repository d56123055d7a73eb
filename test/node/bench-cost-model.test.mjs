// The bench's cost model, targets and docs/performance.md splicing: the arithmetic and text behind the report.
import { describe, expect, it } from 'vitest';
import { costPerMillion, PRICES, referenceMonthlyBill, referenceVolumesPerMonth, REFERENCE_APP, usageOf } from '../../bench/cost-model.mjs';
import { spliceGeneratedSections } from '../../bench/report-markdown.mjs';
import { evaluateTargets } from '../../bench/summary.mjs';

const NO_STORAGE = { d1RoundTrips: 0, d1Statements: 0, d1RowsRead: 0, d1RowsWritten: 0, kvReads: 0, kvWrites: 0, kvDeletes: 0, kvLists: 0 };

describe('bench cost model', () => {
  it('prices a million operations line by line from the published rates', () => {
    const usage = usageOf(2, { ...NO_STORAGE, kvReads: 1, d1RowsWritten: 3, kvDeletes: 1 });
    const cost = costPerMillion(usage);
    const byKey = Object.fromEntries(cost.lines.map((line) => [line.key, line.usd]));
    expect(byKey.requests).toBeCloseTo(PRICES.lines.requests.usdPerMillion);
    expect(byKey.cpuMilliseconds).toBeCloseTo(2 * PRICES.lines.cpuMilliseconds.usdPerMillion);
    expect(byKey.kvReads).toBeCloseTo(PRICES.lines.kvReads.usdPerMillion);
    expect(byKey.kvWrites).toBeCloseTo(PRICES.lines.kvWrites.usdPerMillion);
    expect(byKey.d1RowsWritten).toBeCloseTo(3 * PRICES.lines.d1RowsWritten.usdPerMillion);
    expect(cost.totalUsd).toBeCloseTo(cost.lines.reduce((sum, line) => sum + line.usd, 0));
  });

  it('derives the reference app volumes from users, hours of use and token lifetime', () => {
    const volumes = referenceVolumesPerMonth({ ...REFERENCE_APP, dailyUsers: 10, hoursOfUsePerDay: 1, accessTokenMinutes: 15, daysPerMonth: 2 });
    expect(volumes.refresh).toBe(10 * 2 * 4);
    expect(volumes.protected).toBe(10 * 2 * 60 * REFERENCE_APP.protectedRequestsPerUserPerMinute);
    expect(volumes.login).toBe(10 * 2 * REFERENCE_APP.loginsPerUserPerDay);
  });

  it('prices protected requests at the KV reads the assumed cache hit ratio leaves, not the counted ones', () => {
    const usage = usageOf(0, { ...NO_STORAGE, kvReads: 1 }, 1 - REFERENCE_APP.revocationCacheHitRatio);
    expect(usage.kvReads).toBeCloseTo(0.2);
  });

  it('bills only usage past what the plan includes, plus the base price', () => {
    const idle = usageOf(0, NO_STORAGE);
    const tiny = referenceMonthlyBill({ protected: idle, refresh: idle, login: idle }, { ...REFERENCE_APP, dailyUsers: 1 });
    expect(tiny.totalUsd).toBe(PRICES.workersBaseUsdPerMonth);
    const busy = referenceMonthlyBill({ protected: idle, refresh: idle, login: idle });
    const requests = busy.lines.find((line) => line.key === 'requests');
    expect(requests.usd).toBeCloseTo(((requests.used - PRICES.lines.requests.includedPerMonth) / 1e6) * PRICES.lines.requests.usdPerMillion);
  });
});

describe('bench targets', () => {
  function resultsWith({ verifyPath, meCounts, refreshTrips }) {
    const timing = (name, microseconds) => ({ name, fastestMicroseconds: microseconds, medianMicroseconds: microseconds, slowestMicroseconds: microseconds, roundMicroseconds: [microseconds, microseconds * 2, microseconds], iterationsPerBatch: 1, batches: 3 });
    const timings = ['EdDSA', 'ES256', 'RS256'].flatMap((alg) => [
      timing(`raw subtle.verify ${alg}`, 100),
      timing(`verify path ${alg}`, verifyPath),
      timing(`public key import ${alg}`, 10),
      timing(`hono jwk verify ${alg}`, 200),
    ]).concat([timing('verify-only route, whole request', 300), timing('hono jwk peer route, whole request', 400)]);
    const run = (key, requestsPerSecond) => ({ key, label: key, requestsPerSecond, non2xx: 0, errors: 0 });
    return {
      settings: { signingAlgorithm: 'EdDSA' },
      cpu: { timings },
      load: [run('me', 900), run('d1-session', 100), run('hono-jwk', 800), run('verify', 1000)],
      counts: { me: { ...NO_STORAGE, ...meCounts }, refresh: { ...NO_STORAGE, d1RoundTrips: refreshTrips, d1RowsWritten: 1 } },
    };
  }

  it('passes when every target is met', () => {
    const lines = evaluateTargets(resultsWith({ verifyPath: 140, meCounts: { kvReads: 1 }, refreshTrips: 1 }));
    expect(lines.filter((line) => line.pass === false)).toEqual([]);
  });

  it('falls short on a slow verify path, a D1 read per protected request, or a second refresh round trip', () => {
    const lines = evaluateTargets(resultsWith({ verifyPath: 160, meCounts: { kvReads: 1, d1RoundTrips: 1 }, refreshTrips: 2 }));
    const short = lines.filter((line) => line.pass === false).map((line) => line.text);
    expect(short.filter((text) => text.startsWith('verify path'))).toHaveLength(3);
    expect(short.some((text) => text.startsWith('protected request'))).toBe(true);
    expect(short.some((text) => text.startsWith('refresh'))).toBe(true);
  });
});

describe('docs/performance.md splicing', () => {
  const start = '<!-- npm run bench: generated from here -->';
  const end = '<!-- npm run bench: generated up to here -->';

  it('creates the file with a title when there is none', () => {
    const text = spliceGeneratedSections(null, '## Run\n\nfigures');
    expect(text.startsWith('# Performance\n')).toBe(true);
    expect(text).toContain(`${start}\n\n## Run\n\nfigures\n\n${end}\n`);
  });

  it('appends after hand-written sections, then replaces only its own sections on the next run', () => {
    const handWritten = '# Performance\n\n## Bundle size\n\n40 KiB.\n';
    const first = spliceGeneratedSections(handWritten, 'run one');
    expect(first.startsWith(handWritten.trimEnd())).toBe(true);
    const withTail = `${first}\n## Written later\n\nkept\n`;
    const second = spliceGeneratedSections(withTail, 'run two');
    expect(second).toContain('## Bundle size\n\n40 KiB.');
    expect(second).toContain('run two');
    expect(second).not.toContain('run one');
    expect(second).toContain('## Written later\n\nkept');
    expect(second.split(start)).toHaveLength(2);
  });
});
