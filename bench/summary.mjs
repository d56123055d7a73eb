// Derived figures shared by the terminal and Markdown reports: ratios, bars, CPU per operation, targets.

import { BASELINE, BILL_TARGETS, REFERENCE_APP, referenceMonthlyBill, usageOf } from './cost-model.mjs';

export const SIMULATOR_NOTE = 'local KV and D1 are simulators, far slower than production';

/** Formats a number with `digits` decimals and thousands separators. */
export function formatNumber(value, digits = 0) {
  return Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A bar of `width` cells for `value` out of `maximum`, in eighths of a cell. */
export function bar(value, maximum, width = 40) {
  const eighths = Math.round((value / maximum) * width * 8);
  const partial = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][eighths % 8];
  return '█'.repeat(Math.floor(eighths / 8)) + partial;
}

/** The floor: mean of the first and last bare runs, and how far they drifted apart. */
export function floorOf(load) {
  const first = load.find((run) => run.key === 'bare');
  const last = load.find((run) => run.key === 'bare-again');
  const mean = (first.requestsPerSecond + last.requestsPerSecond) / 2;
  return { first: first.requestsPerSecond, last: last.requestsPerSecond, mean, driftPercent: ((last.requestsPerSecond - first.requestsPerSecond) / first.requestsPerSecond) * 100 };
}

/** Microseconds per call of the named CPU timing, from its fastest (least disturbed) batch. */
export function cpuMicroseconds(cpu, name) {
  return timingNamed(cpu, name).fastestMicroseconds;
}

function timingNamed(cpu, name) {
  const timing = cpu.timings.find((candidate) => candidate.name.startsWith(name));
  if (!timing) throw new Error(`no CPU timing named "${name}"`);
  return timing;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * `top` / `bottom` from two operations of one group: the median over rounds
 * of their per-round ratio. Rounds ran side by side, so a busy moment slows
 * both sides of a ratio alike and mostly cancels out.
 */
export function pairedRatio(cpu, top, bottom) {
  const above = timingNamed(cpu, top).roundMicroseconds;
  const below = timingNamed(cpu, bottom).roundMicroseconds;
  const ratios = above.flatMap((value, round) => (value > 0 && below[round] > 0 ? [value / below[round]] : []));
  return median(ratios);
}

/** The verify path as a multiple of raw subtle.verify, per algorithm, with the key-import and hono comparisons. */
export function verifyRatios(cpu) {
  return ['EdDSA', 'ES256', 'RS256'].map((alg) => {
    const raw = `raw subtle.verify ${alg}`;
    const path = `verify path ${alg}`;
    const ratio = pairedRatio(cpu, path, raw);
    const importOverRaw = pairedRatio(cpu, `public key import ${alg}`, raw);
    return {
      alg,
      raw: cpuMicroseconds(cpu, raw),
      path: cpuMicroseconds(cpu, path),
      ratio,
      keyImport: cpuMicroseconds(cpu, `public key import ${alg}`),
      uncachedRatio: ratio + importOverRaw,
      hono: cpuMicroseconds(cpu, `hono jwk verify ${alg}`),
      honoRatio: pairedRatio(cpu, `hono jwk verify ${alg}`, raw),
      honoOverPath: pairedRatio(cpu, `hono jwk verify ${alg}`, path),
    };
  });
}

/**
 * CPU milliseconds per operation, composed from the in-workerd timings:
 * the app's own overhead plus the crypto each operation performs.
 */
export function cpuMillisecondsPerOperation(cpu, alg) {
  const overhead = cpuMicroseconds(cpu, 'app request overhead');
  const sha = cpuMicroseconds(cpu, 'refresh-token hash');
  const sign = cpuMicroseconds(cpu, `sign ${alg}`);
  return {
    protected: (overhead + cpuMicroseconds(cpu, `verify path ${alg}`)) / 1000,
    refresh: (overhead + 2 * sha + cpuMicroseconds(cpu, 'seal successor') + sign) / 1000,
    login: (overhead + cpuMicroseconds(cpu, 'password verify') + sha + sign) / 1000,
  };
}

/** Usage per operation for the cost model; protected KV reads follow the assumed cache hit ratio. */
export function referenceUsage(results) {
  const cpuMilliseconds = cpuMillisecondsPerOperation(results.cpu, results.settings.signingAlgorithm);
  return {
    protected: usageOf(cpuMilliseconds.protected, results.counts.me, 1 - REFERENCE_APP.revocationCacheHitRatio),
    refresh: usageOf(cpuMilliseconds.refresh, results.counts.refresh),
    login: usageOf(cpuMilliseconds.login, results.counts.login),
  };
}

/** The revocation cache's hit ratio over the measured /auth/me runs, or `null` when not measured. */
export function cacheHitRatio(results) {
  const cache = results.revocationCache;
  if (!cache || cache.hits + cache.misses === 0) return null;
  return cache.hits / (cache.hits + cache.misses);
}

/** The targets as pass / fall-short lines (`pass: null` marks a line that is information, not a target). */
export function evaluateTargets(results) {
  const byKey = Object.fromEntries(results.load.map((run) => [run.key, run]));
  const me = byKey.me.requestsPerSecond;
  const lines = verifyRatios(results.cpu).map(({ alg, ratio }) => ({
    pass: ratio <= 1.5,
    text: `verify path ≤ 1.5× raw subtle.verify (${alg}${alg === results.settings.signingAlgorithm ? ', the configured key' : ''}): ${formatNumber(ratio, 2)}×`,
  }));
  const overD1 = me / byKey['d1-session'].requestsPerSecond;
  lines.push({ pass: overD1 >= 3, text: `/auth/me throughput ≥ 3× the D1-lookup peer: ${formatNumber(overD1, 2)}× (${SIMULATOR_NOTE})` });
  const overHono = me / byKey['hono-jwk'].requestsPerSecond;
  lines.push({ pass: overHono > 1, text: `/auth/me throughput ahead of the hono jwk peer: ${formatNumber(overHono, 2)}× (/auth/me also reads KV; ${SIMULATOR_NOTE})` });
  const verifyOverHono = byKey.verify.requestsPerSecond / byKey['hono-jwk'].requestsPerSecond;
  lines.push({ pass: null, text: `without storage on either side, verify-only route vs the hono jwk peer: ${formatNumber(verifyOverHono, 2)}× the throughput` });
  const configured = verifyRatios(results.cpu).find(({ alg }) => alg === results.settings.signingAlgorithm);
  lines.push({ pass: null, text: `CPU per verification, hono jwk (${configured.alg}) vs our verify path: ${formatNumber(configured.honoOverPath, 2)}×` });
  const routeRatio = pairedRatio(results.cpu, 'hono jwk peer route, whole request', 'verify-only route, whole request');
  lines.push({ pass: null, text: `CPU per whole request inside workerd, hono jwk peer route vs our verify-only route: ${formatNumber(routeRatio, 2)}×` });
  const meCounts = results.counts.me;
  lines.push({ pass: meCounts.d1RoundTrips === 0 && meCounts.kvReads <= 1, text: `protected request: 0 D1 and ≤ 1 KV read: ${meCounts.d1RoundTrips} D1, ${meCounts.kvReads} KV` });
  const failed = results.load.reduce((sum, run) => sum + run.non2xx + run.errors, 0);
  lines.push({ pass: failed === 0, text: `every measured request answered 2xx: ${formatNumber(failed)} did not` });
  const refreshCounts = results.counts.refresh;
  lines.push({
    pass: refreshCounts.d1RoundTrips <= 1 && refreshCounts.d1RowsWritten <= 2 && refreshCounts.kvReads + refreshCounts.kvWrites === 0,
    text: `refresh: 1 D1 round trip, ≤ 2 rows written, no KV: ${formatNumber(refreshCounts.d1RoundTrips, 1)} trips, ${formatNumber(refreshCounts.d1RowsWritten, 1)} rows, ${formatNumber(refreshCounts.kvReads + refreshCounts.kvWrites, 1)} KV`,
  });
  if (results.counts.login) {
    const loginRows = results.counts.login.d1RowsWritten;
    // 4 for the session, its index entries and the sign-in event, plus at most 2 for the attempt claim and its release.
    lines.push({ pass: loginRows <= 6, text: `login ≤ 6 rows written (session with its index entries and the sign-in event, plus the attempt claim): ${formatNumber(loginRows, 1)}` });
  }
  const refreshRun = byKey.refresh;
  const bare = results.load.some((run) => run.key === 'bare') && results.load.some((run) => run.key === 'bare-again') ? floorOf(results.load).mean : null;
  if (refreshRun && bare) {
    const overFloor = refreshRun.requestsPerSecond / bare;
    lines.push({ pass: overFloor >= 2 * BASELINE.refreshOverFloor, text: `refresh throughput ≥ 2× before (ratio to the floor ${formatNumber(2 * BASELINE.refreshOverFloor, 2)}×, was ${formatNumber(BASELINE.refreshOverFloor, 2)}×): ${formatNumber(overFloor, 2)}× (${SIMULATOR_NOTE})` });
  }
  if (results.counts.login && results.cpu.timings.some((timing) => timing.name.startsWith('app request overhead'))) {
    const bill = referenceMonthlyBill(referenceUsage(results));
    const rowsWritten = bill.lines.find((line) => line.key === 'd1RowsWritten');
    const assumed = `${formatNumber(REFERENCE_APP.revocationCacheHitRatio * 100)}% revocation-cache hits assumed`;
    lines.push({ pass: bill.totalUsd <= BILL_TARGETS.totalUsd, text: `reference bill ≤ $${BILL_TARGETS.totalUsd} a month: $${formatNumber(bill.totalUsd)} (${assumed})` });
    lines.push({ pass: rowsWritten.usd <= BILL_TARGETS.d1RowsWrittenUsd, text: `D1 rows written ≤ $${BILL_TARGETS.d1RowsWrittenUsd} a month in that bill: $${formatNumber(rowsWritten.usd)}` });
  }
  const ratio = cacheHitRatio(results);
  if (ratio !== null) {
    lines.push({ pass: null, text: `revocation cache hit ratio over the /auth/me runs: ${formatNumber(ratio * 100, 1)}% (${formatNumber(results.revocationCache.hits)} hits, ${formatNumber(results.revocationCache.misses)} misses)` });
  }
  return lines;
}
