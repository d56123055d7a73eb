#!/usr/bin/env node
// `npm run lint:openapi [-- FILE]`: Redocly's recommended ruleset over the OpenAPI document (FILE, or the
// one built from src/ without a server). Fails on any error, and on any warning docs/api.md does not justify.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiText } from './lib/openapi-build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Warnings docs/api.md ("Linting the document") explains; anything else fails. */
export const JUSTIFIED_WARNINGS = [
  // No license has been chosen for the project yet; the document states none rather than invent one.
  (problem) => problem.ruleId === 'info-license',
  // 405 answers are documented as operations of the methods a path does not serve; they never succeed.
  (problem) => problem.ruleId === 'operation-2xx-response' && problem.notAllowed,
  // The provider sign-in routes are browser navigations: their success is a 302 redirect, never a 2xx body.
  (problem) => problem.ruleId === 'operation-2xx-response' && problem.redirects,
];

async function buildDocument(directory) {
  const file = join(directory, 'openapi.json');
  writeFileSync(file, await buildOpenApiText('http://127.0.0.1:8787'));
  return file;
}

const directory = mkdtempSync(join(tmpdir(), 'edge-auth-openapi-'));
try {
  const file = process.argv[2] ?? (await buildDocument(directory));
  const lint = spawnSync(process.execPath, [join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--extends=recommended', '--format=json'], {
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  const { problems } = JSON.parse(lint.stdout);
  const document = JSON.parse(readFileSync(file, 'utf8'));
  // "#/paths/~1auth~1login/put/responses" → ["/auth/login", "put"]
  const operationAt = (pointer) => pointer.replace(/^#\/paths\//, '').replace(/\/responses$/, '').split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  for (const problem of problems) {
    const [path, method] = operationAt(problem.location?.[0]?.pointer ?? '');
    problem.notAllowed = document.paths?.[path]?.[method]?.operationId?.endsWith('NotAllowed') === true;
    problem.redirects = document.paths?.[path]?.[method]?.responses?.['302'] !== undefined;
  }
  const errors = problems.filter((problem) => problem.severity === 'error');
  const warnings = problems.filter((problem) => problem.severity !== 'error');
  const unjustified = warnings.filter((problem) => !JUSTIFIED_WARNINGS.some((justified) => justified(problem)));
  for (const problem of [...errors, ...unjustified]) console.error(`${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location?.[0]?.pointer}`);
  const summary = { errors: errors.length, warnings: warnings.length, unjustifiedWarnings: unjustified.length, rules: [...new Set(warnings.map((problem) => problem.ruleId))] };
  console.log(JSON.stringify(summary));
  process.exitCode = errors.length > 0 || unjustified.length > 0 ? 1 : 0;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
