// The bench's terminal output: throughput table with ratios, a bar chart, CPU, storage counts and targets.
import { bar, evaluateTargets, floorOf, formatNumber, SIMULATOR_NOTE, verifyRatios } from './summary.mjs';

function pad(text, width, alignRight = false) {
  const value = String(text);
  return alignRight ? value.padStart(width) : value.padEnd(width);
}

function targetWord(pass) {
  if (pass === null) return 'info       ';
  return pass ? 'pass       ' : 'fall short ';
}

/** Renders the whole run as plain text for the terminal. */
export function renderTerminalReport(results) {
  const floor = floorOf(results.load);
  const maximum = Math.max(...results.load.map((run) => run.requestsPerSecond));
  const out = [];
  out.push('', `Throughput on loopback (${results.settings.connections} connections, ${results.settings.durationSeconds} s per route: forward and reverse passes averaged; † = ${SIMULATOR_NOTE})`, '');
  out.push(`${pad('route', 38)} ${pad('req/s', 9, true)} ${pad('p50 ms', 8, true)} ${pad('p99 ms', 8, true)} ${pad('× bare', 7, true)}  errors`);
  for (const run of results.load) {
    const label = run.storage ? `${run.label} †` : run.label;
    out.push(
      `${pad(label, 38)} ${pad(formatNumber(run.requestsPerSecond), 9, true)} ${pad(formatNumber(run.p50Milliseconds, 1), 8, true)} ${pad(formatNumber(run.p99Milliseconds, 1), 8, true)} ${pad(formatNumber(run.requestsPerSecond / floor.mean, 2), 7, true)}  ${run.non2xx + run.errors}`,
    );
  }
  out.push('', `floor drift: first bare ${formatNumber(floor.first)} req/s, last ${formatNumber(floor.last)} req/s (${formatNumber(floor.driftPercent, 1)}%)`, '');
  for (const run of results.load) out.push(`${pad(run.label, 38)} ${bar(run.requestsPerSecond, maximum)} ${formatNumber(run.requestsPerSecond)}`);
  out.push('', 'CPU inside workerd per operation (µs per call: fastest batch, median batch)', '');
  for (const timing of results.cpu.timings) {
    out.push(`${pad(timing.name, 56)} ${pad(formatNumber(timing.fastestMicroseconds, 1), 10, true)} ${pad(formatNumber(timing.medianMicroseconds, 1), 10, true)}`);
  }
  out.push('');
  for (const { alg, ratio, uncachedRatio } of verifyRatios(results.cpu)) {
    out.push(`verify path / raw subtle.verify, ${alg}: ${formatNumber(ratio, 2)}× (${formatNumber(uncachedRatio, 2)}× if the key were imported per request)`);
  }
  out.push('', 'Storage operations per request (counted on the bindings)', '');
  out.push(`${pad('operation', 38)} ${pad('D1 trips', 9, true)} ${pad('rows read', 10, true)} ${pad('rows written', 13, true)} ${pad('KV reads', 9, true)} ${pad('KV writes', 10, true)}`);
  for (const run of results.load.filter((candidate) => results.counts[candidate.key])) {
    const counts = results.counts[run.key];
    out.push(
      `${pad(run.label, 38)} ${pad(formatNumber(counts.d1RoundTrips, 1), 9, true)} ${pad(formatNumber(counts.d1RowsRead, 1), 10, true)} ${pad(formatNumber(counts.d1RowsWritten, 1), 13, true)} ${pad(formatNumber(counts.kvReads, 1), 9, true)} ${pad(formatNumber(counts.kvWrites + counts.kvDeletes, 1), 10, true)}`,
    );
  }
  out.push('', 'Targets', '');
  for (const target of evaluateTargets(results)) out.push(`${targetWord(target.pass)} ${target.text}`);
  out.push('', `Bench took ${formatNumber(results.elapsedSeconds)} s. Wrote docs/performance.md.`, '');
  return out.join('\n');
}
