// Tokens from a running `npm start` verify with an independent JWT library (fast-jwt, node:crypto)
// and with the built edge-auth/verify package on Node 22 and Node 20, for every supported algorithm.
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '../../scripts/lib/signing-keys.mjs';
import { startDevServer } from '../support/dev-server.mjs';
import type * as VerifyPackage from '../../src/verify';

const SYSTEM_NODE_20 = '/usr/bin/node';
const AUDIENCE = 'edge-auth';

interface PublicJwk {
  kid: string;
  alg: string;
  [member: string]: string;
}

async function loadVerifyPackage(): Promise<typeof VerifyPackage> {
  // Resolved through package.json "exports" (a self-reference), as a consumer would.
  const specifier = 'edge-auth/verify';
  return (await import(specifier)) as typeof VerifyPackage;
}

interface RecipeOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  algorithms: string[];
}
type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

/** A README recipe from examples/recipes/, loaded as it is written (plain JavaScript). */
async function loadRecipe<Recipe>(file: string): Promise<Recipe> {
  const url = new URL(`../../examples/recipes/${file}`, import.meta.url).href;
  return (await import(url)) as Recipe;
}

async function registerAndLogIn(url: string): Promise<string> {
  const email = `interop-${crypto.randomUUID()}@example.test`;
  const password = 'interop passphrase that is long';
  const json = { 'Content-Type': 'application/json' };
  const registered = await fetch(`${url}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ email, password }) });
  expect(registered.status).toBe(201);
  const login = await fetch(`${url}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ email, password, token_delivery: 'body' }) });
  expect(login.status).toBe(200);
  return ((await login.json()) as { access_token: string }).access_token;
}

function headerOf(token: string): { alg: string; kid: string; typ: string } {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg: string; kid: string; typ: string };
}

describe.each(['EdDSA', 'ES256', 'RS256'])('interop with an %s signing key', (alg) => {
  let server: Awaited<ReturnType<typeof startDevServer>>;
  let signingKid = '';

  beforeAll(async () => {
    const key = await generateSigningJwk(alg);
    signingKid = key.kid;
    // Each server takes many sign-ins from one loopback address; the per-IP
    // limit has its own tests (test/security/ip-rate-limit.test.ts).
    server = await startDevServer({ vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys: [key] }), IP_RATE_LIMIT_PER_MINUTE: '0' } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('signs with the key given by --var, over the one in .dev.vars', async () => {
    const token = await registerAndLogIn(server.url);
    expect(headerOf(token)).toEqual({ alg, kid: signingKid, typ: 'at+jwt' });
  });

  it('issues tokens that fast-jwt verifies against /.well-known/jwks.json, and refuses when tampered', async () => {
    const token = await registerAndLogIn(server.url);
    const { keys } = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: PublicJwk[] };
    const verify = createFastJwtVerifier({
      algorithms: [alg as 'EdDSA' | 'ES256' | 'RS256'],
      allowedIss: server.url,
      allowedAud: AUDIENCE,
      requiredClaims: ['iss', 'aud', 'sub', 'sid', 'exp', 'iat'],
      key: async ({ header }: { header: Record<string, unknown> }) => {
        const jwk = keys.find((candidate) => candidate.kid === header.kid);
        if (!jwk) throw new Error('unknown kid');
        return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
      },
    });
    const claims = (await verify(token)) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: server.url, aud: AUDIENCE });
    expect(typeof claims.sub).toBe('string');
    expect(typeof claims.sid).toBe('string');

    const [header, payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
    await expect(verify(`${header}.${forgedPayload}.${signature}`)).rejects.toThrow();
    expect(payload).not.toBe(forgedPayload);
  });

  const recipeOptions = (): RecipeOptions => ({ jwksUrl: `${server.url}/.well-known/jwks.json`, issuer: server.url, audience: AUDIENCE, algorithms: [alg] });

  it("issues tokens that the README's hono jwk recipe (typ at+jwt) accepts, and that hono refuses without typ", async () => {
    const token = await registerAndLogIn(server.url);
    const { createProtectedApp } = await loadRecipe<{ createProtectedApp(options: RecipeOptions): { request(path: string, init: RequestInit): Promise<Response> } }>('hono-jwk.mjs');
    const app = createProtectedApp(recipeOptions());
    const accepted = await app.request('/api/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { sub: string }).sub).toMatch(/^00\./);
    expect((await app.request('/api/me', { headers: { Authorization: `Bearer ${token.slice(0, -4)}AAAA` } })).status).toBe(401);

    const { Hono } = await import('hono');
    const { jwk } = await import('hono/jwk');
    const untyped = new Hono().use('/api/*', jwk({ jwks_uri: recipeOptions().jwksUrl, alg: [alg as 'EdDSA'] })).get('/api/me', (c) => c.text('ok'));
    expect((await untyped.request('/api/me', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("issues tokens that the README's jose createRemoteJWKSet recipe accepts, and refuses when tampered", async () => {
    const token = await registerAndLogIn(server.url);
    const { createJoseVerifier } = await loadRecipe<{ createJoseVerifier(options: RecipeOptions): TokenVerifier }>('jose.mjs');
    const verify = createJoseVerifier(recipeOptions());
    await expect(verify(token)).resolves.toMatchObject({ iss: server.url, aud: AUDIENCE });
    await expect(verify(`${token.slice(0, -4)}AAAA`)).rejects.toThrow();
  });

  it(
    alg === 'EdDSA'
      ? "issues tokens that the README's jsonwebtoken recipe cannot verify (jsonwebtoken has no EdDSA)"
      : "issues tokens that the README's jsonwebtoken + jwks-rsa recipe accepts, and refuses when tampered",
    async () => {
      const token = await registerAndLogIn(server.url);
      const { createJsonwebtokenVerifier } = await loadRecipe<{ createJsonwebtokenVerifier(options: RecipeOptions): TokenVerifier }>('jsonwebtoken.mjs');
      const verify = createJsonwebtokenVerifier(recipeOptions());
      if (alg === 'EdDSA') {
        await expect(verify(token)).rejects.toThrow();
        return;
      }
      await expect(verify(token)).resolves.toMatchObject({ iss: server.url, aud: AUDIENCE });
      await expect(verify(`${token.slice(0, -4)}AAAA`)).rejects.toThrow();
    },
  );

  it('issues tokens that edge-auth/verify accepts on Node 22 from the JWKS URL', async () => {
    const token = await registerAndLogIn(server.url);
    const { createVerifier } = await loadVerifyPackage();
    const verifier = createVerifier({ jwksUrl: `${server.url}/.well-known/jwks.json`, issuer: server.url, audience: AUDIENCE });
    await expect(verifier.verify(token)).resolves.toMatchObject({ iss: server.url });
    await expect(verifier.verify(`${token.slice(0, -4)}AAAA`)).rejects.toMatchObject({ code: 'ERR_TOKEN_SIGNATURE_INVALID' });
  });

  it.runIf(existsSync(SYSTEM_NODE_20))('issues tokens that edge-auth/verify accepts on Node 20', async () => {
    const token = await registerAndLogIn(server.url);
    const script = `
      const { createVerifier } = await import('edge-auth/verify');
      const [jwksUrl, issuer, token] = process.argv.slice(1);
      const claims = await createVerifier({ jwksUrl, issuer, audience: 'edge-auth' }).verify(token);
      process.stdout.write(JSON.stringify({ node: process.version, sub: claims.sub }));`;
    const output = execFileSync(SYSTEM_NODE_20, ['--input-type=module', '-e', script, `${server.url}/.well-known/jwks.json`, server.url, token], { encoding: 'utf8' });
    const result = JSON.parse(output) as { node: string; sub: string };
    expect(result.node).toMatch(/^v20\./);
    expect(result.sub).toMatch(/^00\./);
  });
});
