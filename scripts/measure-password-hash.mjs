#!/usr/bin/env node
// Measures the CPU cost of one PBKDF2-HMAC-SHA-256 password hash at the production parameters inside workerd.
// workerd's clock only moves across I/O, so timing from inside the isolate would read ~0 ms: instead this
// serves a tiny worker with `wrangler dev` on loopback, times from Node a request doing N hashes and one doing
// none, and divides the difference by N.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../test/support/dev-server.mjs';

const ITERATIONS = 100_000;
const HASHES_PER_REQUEST = 20;
const ROUNDS = 7;
const root = fileURLToPath(new URL('..', import.meta.url));

const worker = `
export default {
  async fetch(request) {
    const count = Number(new URL(request.url).searchParams.get('n'));
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('a perfectly fine passphrase'), 'PBKDF2', false, ['deriveBits']);
    for (let i = 0; i < count; i++) {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ${ITERATIONS} }, key, 256);
    }
    return new Response(String(count));
  },
};`;

const directory = mkdtempSync(join(tmpdir(), 'edge-auth-pbkdf2-'));
writeFileSync(join(directory, 'worker.mjs'), worker);
const [port, inspectorPort] = [await findFreePort(), await findFreePort()];
const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
const args = ['dev', join(directory, 'worker.mjs'), '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--compatibility-date', '2026-11-01'];
const child = spawn(`${root}node_modules/.bin/wrangler`, args, { cwd: directory, env, stdio: 'ignore', detached: true });
const url = `http://127.0.0.1:${port}`;

async function timeRequest(count) {
  const started = performance.now();
  const response = await fetch(`${url}/?n=${count}`);
  if ((await response.text()) !== String(count)) throw new Error(`unexpected answer ${response.status}`);
  return performance.now() - started;
}

try {
  for (let attempt = 0; ; attempt++) {
    try {
      await timeRequest(1);
      break;
    } catch (error) {
      if (attempt > 240) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const perHash = [];
  for (let round = 0; round < ROUNDS; round++) {
    const empty = await timeRequest(0);
    const full = await timeRequest(HASHES_PER_REQUEST);
    perHash.push((full - empty) / HASHES_PER_REQUEST);
  }
  perHash.sort((a, b) => a - b);
  const median = perHash[Math.floor(perHash.length / 2)];
  console.log(`PBKDF2-HMAC-SHA-256, ${ITERATIONS} iterations, 32-byte output, in workerd (wrangler dev), timed from Node ${process.version}:`);
  console.log(`per hash over ${ROUNDS} rounds of ${HASHES_PER_REQUEST}: median ${median.toFixed(1)} ms, min ${perHash[0].toFixed(1)} ms, max ${perHash[perHash.length - 1].toFixed(1)} ms`);
} finally {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  rmSync(directory, { recursive: true, force: true });
}
