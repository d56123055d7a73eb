// The published package as a user gets it: `npm pack`, installed from the tarball into a fresh project beside the latest
// hono on the registry, type-checked strictly under NodeNext and Bundler with and without the DOM lib, then run against `npm start`.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../support/dev-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const CONSUMER_SOURCE = `import { AuthClientError, createAuthClient, createMemoryRefreshTokenStore, type AuthSession } from 'edge-auth/client';
import { createVerifier, TokenRejectedError, type AccessTokenClaims, type Verifier } from 'edge-auth/verify';
import { requireAccessToken, type VerifiedTokenVariables } from 'edge-auth/verify/hono';
import { Hono } from 'hono';

export async function run(baseUrl: string, email: string, password: string): Promise<Record<string, unknown>> {
  const auth = createAuthClient({ baseUrl, tokenDelivery: 'body', refreshTokenStore: createMemoryRefreshTokenStore() });
  await auth.register(email, password);
  const session: AuthSession = await auth.login(email, password);
  const me = (await (await auth.fetch('/auth/me')).json()) as { user: { email: string } };
  const refused = await auth.login(email, 'not the password').catch((error: unknown) => error);

  const verifier = createVerifier({ jwksUrl: baseUrl + '/.well-known/jwks.json', issuer: baseUrl, audience: 'edge-auth' });
  const token = await auth.getAccessToken();
  const claims: AccessTokenClaims = await verifier.verify(token);
  const tampered = await verifier.verify(token.slice(0, -4) + 'AAAA').catch((error: unknown) => error);

  const api = new Hono<{ Variables: VerifiedTokenVariables }>();
  api.use('/api/*', requireAccessToken(verifier));
  api.get('/api/me', (c) => c.json({ sub: c.var.accessTokenClaims.sub }));
  const allowed = await api.request('/api/me', { headers: { Authorization: 'Bearer ' + token } });
  const denied = await api.request('/api/me');
  await auth.logout();
  return {
    email: me.user.email,
    sameUser: session.user.id === claims.sub,
    refusedCode: refused instanceof AuthClientError ? refused.code : null,
    tamperedRejected: tampered instanceof TokenRejectedError,
    middleware: [allowed.status, denied.status],
  };
}

/** The middleware in front of every route of an app, the \`app.use(requireAccessToken(verifier))\` form. */
export function guardEveryRoute(verifier: Verifier): Hono<{ Variables: VerifiedTokenVariables }> {
  const app = new Hono<{ Variables: VerifiedTokenVariables }>();
  app.use(requireAccessToken(verifier));
  app.get('/', (c) => c.text(c.var.accessTokenClaims.sub));
  return app;
}

export async function everyRouteRefuses(baseUrl: string): Promise<number[]> {
  const app = guardEveryRoute(createVerifier({ jwksUrl: baseUrl + '/.well-known/jwks.json', issuer: baseUrl, audience: 'edge-auth' }));
  const missing = await app.request('/');
  const malformed = await app.request('/', { headers: { Authorization: 'Bearer not.a.token' } });
  return [missing.status, malformed.status];
}
`;

const COMPILER_SETTINGS = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'preserve', moduleResolution: 'bundler' },
} as const;

let consumer = '';
let latestHono = '';
let server: DevServer;

beforeAll(async () => {
  const serverStarting = startDevServer();
  consumer = mkdtempSync(join(tmpdir(), 'edge-auth-consumer-'));
  // prepack runs `npm run build`, so the tarball always holds a fresh dist/lib.
  execFileSync(npm, ['pack', '--pack-destination', consumer, '--silent'], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(consumer).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack made no tarball');
  // The newest hono a user would get today, not the version the worker pins: the package must type-check beside it.
  latestHono = execFileSync(npm, ['view', 'hono@latest', 'version'], { cwd: consumer, encoding: 'utf8' }).trim();
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { 'edge-auth': `file:./${tarball}`, hono: latestHono, '@types/node': '22.20.5' } }),
  );
  execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, stdio: 'pipe' });
  writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_SOURCE);
  server = await serverStarting;
}, 240_000);

afterAll(async () => {
  await server?.stop();
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe('the edge-auth package, installed from its tarball', () => {
  it('ships only dist/lib, the README and the LICENSE, with every export present', () => {
    const listing = execFileSync('tar', ['-tzf', readdirSync(consumer).find((name) => name.endsWith('.tgz')) ?? ''], { cwd: consumer, encoding: 'utf8' });
    const files = listing.trim().split('\n').map((line) => line.replace(/^package\//, ''));
    expect(files.filter((file) => !file.startsWith('dist/lib/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
    for (const entry of ['client/index', 'verify/index', 'verify/hono']) {
      expect(files).toContain(`dist/lib/${entry}.js`);
      expect(files).toContain(`dist/lib/${entry}.d.ts`);
    }
  });

  it('depends on jose alone and takes hono as an optional peer, so the consumer has one hono and none of the worker-only libraries', () => {
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules/edge-auth/package.json'), 'utf8')) as {
      license: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, unknown>;
    };
    expect(manifest.license).toBe('MIT');
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['jose']);
    expect(manifest.peerDependencies).toEqual({ hono: expect.stringMatching(/^\^4\./) });
    expect(manifest.peerDependenciesMeta).toEqual({ hono: { optional: true } });
    const installedHono = JSON.parse(readFileSync(join(consumer, 'node_modules/hono/package.json'), 'utf8')) as { version: string };
    expect(installedHono.version).toBe(latestHono);
    expect(existsSync(join(consumer, 'node_modules/edge-auth/node_modules'))).toBe(false);
    for (const workerOnly of ['arctic', '@oslojs', 'valibot']) expect(existsSync(join(consumer, 'node_modules', workerOnly))).toBe(false);
  });

  it('imports hono in its declarations only (a .d.ts import is a type import), never in its JavaScript, and declares none of hono\'s types itself', () => {
    const lib = join(consumer, 'node_modules/edge-auth/dist/lib');
    const honoImports: string[] = [];
    for (const file of readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js') || name.endsWith('.d.ts'))) {
      const text = readFileSync(join(lib, file), 'utf8');
      if (file.endsWith('.js')) {
        expect(text, file).not.toMatch(/from\s*["']hono/);
        continue;
      }
      honoImports.push(...(text.match(/^.*from\s*["']hono[^"']*["'].*$/gm) ?? []));
      expect(text, file).not.toMatch(/\b(?:class|interface|type)\s+(?:Hono|Context|MiddlewareHandler|Next|HonoRequest)\b/);
    }
    expect(honoImports).toEqual(["import { MiddlewareHandler } from 'hono';"]);
  });

  // Concurrent: each tsc run is independent and mostly waits on reading lib declarations.
  it.concurrent.each([
    ['nodenext', true],
    ['nodenext', false],
    ['bundler', true],
    ['bundler', false],
  ] as const)('type-checks strictly with moduleResolution %s (DOM lib: %s)', async (resolution, dom) => {
    const config = `tsconfig.${resolution}.${dom ? 'dom' : 'nodom'}.json`;
    writeFileSync(
      join(consumer, config),
      JSON.stringify({
        compilerOptions: {
          ...COMPILER_SETTINGS[resolution],
          target: 'es2022',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
          lib: dom ? ['es2022', 'dom', 'dom.iterable'] : ['es2022'],
          types: dom ? [] : ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const checked = await promisify(execFile)(process.execPath, [tsc, '-p', config], { cwd: consumer, encoding: 'utf8' }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(checked.stdout + checked.stderr).toBe('');
  });

  it('runs the client, the verifier and the hono middleware against npm start', () => {
    execFileSync(process.execPath, [tsc, 'consumer.ts', '--module', 'nodenext', '--target', 'es2022', '--types', 'node', '--skipLibCheck', '--outDir', 'out'], { cwd: consumer });
    const email = `consumer-${crypto.randomUUID()}@example.test`;
    const script = `import { everyRouteRefuses, run } from './out/consumer.js'; console.log(JSON.stringify({ run: await run(process.argv[1], process.argv[2], 'a consumer passphrase'), everyRoute: await everyRouteRefuses(process.argv[1]) }));`;
    const output = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, server.url, email], { cwd: consumer, encoding: 'utf8' })) as { run: unknown; everyRoute: unknown };
    expect(output.run).toEqual({ email, sameUser: true, refusedCode: 'invalid_credentials', tamperedRejected: true, middleware: [200, 401] });
    expect(output.everyRoute).toEqual([401, 401]);
  });
});
