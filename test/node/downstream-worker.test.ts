// examples/downstream-worker: a protected API in another Worker, verifying edge-auth tokens with edge-auth/verify.
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPATIBILITY_DATE, EDGE_AUTH_ISSUER, bundleWorker, logOutOnEdgeAuth, signUpAndLogInOnEdgeAuth, startWithEdgeAuth } from '../support/edge-auth-miniflare';

let miniflare: Miniflare;

function callExample(path: string, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
  return miniflare.dispatchFetch(`https://api.example.test${path}`, { headers }) as unknown as Promise<Response>;
}

beforeAll(async () => {
  // The example imports edge-auth/verify as a consumer would: through package.json "exports" into
  // dist/lib, which the Node suite's global setup builds.
  miniflare = await startWithEdgeAuth([
    {
      name: 'downstream-worker',
      modules: true,
      script: await bundleWorker('examples/downstream-worker/src/index.ts'),
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { EDGE_AUTH_JWKS_URL: `${EDGE_AUTH_ISSUER}/.well-known/jwks.json`, EDGE_AUTH_ISSUER, EDGE_AUTH_AUDIENCE: 'edge-auth' },
      // edge-auth's KV namespace, shared, for revocation flags.
      kvNamespaces: { EDGE_AUTH_KV: 'KV' },
      // Outbound fetches (the JWKS) reach the edge-auth Worker.
      outboundService: 'edge-auth',
    },
  ]);
});

afterAll(async () => {
  await miniflare?.dispose();
});

describe('examples/downstream-worker', () => {
  it('answers its public route without a token', async () => {
    expect((await callExample('/')).status).toBe(200);
  });

  it('asks for a token on protected routes (401 with WWW-Authenticate: Bearer)', async () => {
    const response = await callExample('/api/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
  });

  it('serves /api/me to a signed-in user and refuses /api/reports without the admin role', async () => {
    const { accessToken } = await signUpAndLogInOnEdgeAuth(miniflare);
    const me = await callExample('/api/me', accessToken);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ roles: [] });
    expect((await callExample('/api/reports', accessToken)).status).toBe(403);
  });

  it('refuses a forged token and the token of a logged-out session', async () => {
    const { accessToken, refreshToken } = await signUpAndLogInOnEdgeAuth(miniflare);
    const forged = `${accessToken.slice(0, -6)}AAAAAA`;
    const refused = await callExample('/api/me', forged);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
    expect(await logOutOnEdgeAuth(miniflare, refreshToken)).toBe(204);
    expect((await callExample('/api/me', accessToken)).status).toBe(401);
  });
});
