// Runs the `wrangler` found on PATH (node_modules/.bin under `npm run`; a stub in tests).
import { spawnSync } from 'node:child_process';

/**
 * Runs `wrangler <args>` and returns its exit status and output. With
 * `capture: false` the output goes straight to the terminal. `input` is
 * written to wrangler's stdin (how secrets are handed over, never as an argument).
 *
 * @example
 * const { status, stdout } = runWrangler(['d1', 'list', '--json']);
 */
export function runWrangler(args, { capture = true, input } = {}) {
  const result = spawnSync('wrangler', args, {
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'inherit' : 'pipe', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    shell: process.platform === 'win32',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) {
    const hint = result.error.code === 'ENOENT' ? ' (is wrangler installed? run `npm install`, then use `npm run ...`)' : '';
    throw new Error(`could not run wrangler: ${result.error.message}${hint}`);
  }
  return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** The `--env <name>` (or `--env=<name>`, `-e <name>`) among command-line arguments, if any. */
export function readEnvironmentArgument(args) {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--env' || arg === '-e') return args[index + 1];
    if (arg.startsWith('--env=')) return arg.slice('--env='.length);
  }
  return undefined;
}
