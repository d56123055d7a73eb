// AuthService over a service binding: a second Worker verifies edge-auth tokens by RPC (no HTTP hop),
// revocation included. Both Workers run in one Miniflare, edge-auth bundled from src/index.ts.
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import { build } from 'esbuild';
import { Miniflare, convertV4MiniflareOptions } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '../../scripts/lib/signing-keys.mjs';

const ISSUER = 'https://auth.example.test';
const COMPATIBILITY_DATE = '2026-11-01';

// The second Worker: it knows nothing of edge-auth but the binding and the method name.
const CONSUMER_SCRIPT = `
export default {
  async fetch(request, env) {
    const token = (request.headers.get('Authorization') ?? '').replace(/^Bearer /, '');
    const result = await env.AUTH.verify(token);
    return Response.json(result, { status: result.valid ? 200 : 401 });
  },
};`;

interface ServiceVerification {
  valid: boolean;
  code?: string;
  message?: string;
  claims?: Record<string, unknown>;
}

let miniflare: Miniflare;

async function bundleEdgeAuth(): Promise<string> {
  const result = await build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

async function callEdgeAuth(path: string, init: RequestInit = {}): Promise<Response> {
  const worker = await miniflare.getWorker('edge-auth');
  return (await worker.fetch(`${ISSUER}${path}`, init as never)) as unknown as Response;
}

async function verifyInSecondWorker(token: string): Promise<ServiceVerification> {
  const response = await miniflare.dispatchFetch('https://consumer.example.test/', { headers: { Authorization: `Bearer ${token}` } });
  return (await response.json()) as ServiceVerification;
}

async function signUpAndLogIn(): Promise<{ accessToken: string; refreshToken: string }> {
  const email = `rpc-${crypto.randomUUID()}@example.test`;
  const password = 'an rpc passphrase here';
  const json = { 'Content-Type': 'application/json' };
  expect((await callEdgeAuth('/auth/register', { method: 'POST', headers: json, body: JSON.stringify({ email, password }) })).status).toBe(201);
  const login = await callEdgeAuth('/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ email, password, token_delivery: 'body' }) });
  const body = (await login.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

beforeAll(async () => {
  const keys = { keys: [await generateSigningJwk('ES256')] };
  miniflare = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        { name: 'consumer', modules: true, script: CONSUMER_SCRIPT, compatibilityDate: COMPATIBILITY_DATE, serviceBindings: { AUTH: { name: 'edge-auth', entrypoint: 'AuthService' } } },
        {
          name: 'edge-auth',
          modules: true,
          script: await bundleEdgeAuth(),
          compatibilityDate: COMPATIBILITY_DATE,
          d1Databases: ['DB'],
          kvNamespaces: ['KV'],
          bindings: { JWT_SIGNING_KEYS: JSON.stringify(keys), JWT_ISSUER: ISSUER },
        },
      ],
    }),
  );
  const db = await miniflare.getD1Database('DB', 'edge-auth');
  for (const migration of await readD1Migrations('./migrations')) {
    await db.batch(migration.queries.map((query) => db.prepare(query)));
  }
});

afterAll(async () => {
  await miniflare?.dispose();
});

describe('AuthService.verify called by another Worker over a service binding', () => {
  it('returns the claims of a live token', async () => {
    const { accessToken } = await signUpAndLogIn();
    const result = await verifyInSecondWorker(accessToken);
    expect(result).toMatchObject({ valid: true, claims: { iss: ISSUER, aud: 'edge-auth' } });
    expect(result.claims?.sid).toMatch(/^00\./);
  });

  it('refuses the token of a session that logged out, through the KV revocation flag', async () => {
    const { accessToken, refreshToken } = await signUpAndLogIn();
    expect((await verifyInSecondWorker(accessToken)).valid).toBe(true);
    const logout = await callEdgeAuth('/auth/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh_token: refreshToken }) });
    expect(logout.status).toBe(204);
    expect(await verifyInSecondWorker(accessToken)).toMatchObject({ valid: false, code: 'ERR_TOKEN_REVOKED' });
  });

  it('refuses a tampered token with a stable code and never echoes it', async () => {
    const { accessToken } = await signUpAndLogIn();
    const [header, payload = '', signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url')}.${signature}`;
    const result = await verifyInSecondWorker(tampered);
    expect(result).toMatchObject({ valid: false, code: 'ERR_TOKEN_SIGNATURE_INVALID' });
    expect(JSON.stringify(result)).not.toContain(tampered);
  });

  it('refuses a token that is not a JWT', async () => {
    expect(await verifyInSecondWorker('not-a-token')).toMatchObject({ valid: false, code: 'ERR_TOKEN_MALFORMED' });
  });
});
