// The published entry points: edge-auth/verify and edge-auth/verify/hono resolve, load and type-check for a NodeNext consumer.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A throwaway consumer project with edge-auth installed (linked) in its node_modules. */
function createConsumer(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'edge-auth-consumer-'));
  mkdirSync(join(directory, 'node_modules'));
  symlinkSync(root, join(directory, 'node_modules', 'edge-auth'), 'dir');
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-package.mjs'], { cwd: root, stdio: 'pipe' });
});

describe('the edge-auth/verify package exports', () => {
  it('load in a consumer project on Node', () => {
    const consumer = createConsumer({
      'main.mjs': `import { createVerifier, TokenRejectedError } from 'edge-auth/verify';
import { requireAccessToken } from 'edge-auth/verify/hono';
const verifier = createVerifier({ jwks: { keys: [] }, issuer: 'https://a.example', audience: 'edge-auth' });
const error = await verifier.verify('a.b.c').catch((e) => e);
console.log(JSON.stringify({ rejected: error instanceof TokenRejectedError, code: error.code, middleware: typeof requireAccessToken(verifier) }));`,
    });
    const output = execFileSync(process.execPath, ['main.mjs'], { cwd: consumer, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ rejected: true, code: 'ERR_TOKEN_MALFORMED', middleware: 'function' });
  });

  it('type-check for a strict NodeNext TypeScript consumer', () => {
    const consumer = createConsumer({
      'index.ts': `import { createVerifier, type AccessTokenClaims } from 'edge-auth/verify';
import { requireAccessToken, type VerifiedTokenVariables } from 'edge-auth/verify/hono';
const verifier = createVerifier({ jwksUrl: 'https://a.example/jwks.json', issuer: 'https://a.example', audience: 'edge-auth' });
export const subject: Promise<string> = verifier.verify('token').then((claims: AccessTokenClaims) => claims.sub);
export const middleware = requireAccessToken(verifier);
export type Variables = VerifiedTokenVariables;
`,
      'tsconfig.json': JSON.stringify({
        compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [], noEmit: true, skipLibCheck: false, preserveSymlinks: true },
        files: ['index.ts'],
      }),
    });
    expect(() => execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: consumer, encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });
});
