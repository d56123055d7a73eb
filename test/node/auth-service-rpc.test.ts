// AuthService over a service binding: a second Worker verifies edge-auth tokens by RPC (no HTTP hop),
// revocation included. Both Workers run in one Miniflare, edge-auth bundled from src/index.ts.
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPATIBILITY_DATE, EDGE_AUTH_ISSUER, logOutOnEdgeAuth, signUpAndLogInOnEdgeAuth, startWithEdgeAuth } from '../support/edge-auth-miniflare';

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

async function verifyInSecondWorker(token: string): Promise<ServiceVerification> {
  const response = await miniflare.dispatchFetch('https://consumer.example.test/', { headers: { Authorization: `Bearer ${token}` } });
  return (await response.json()) as ServiceVerification;
}

beforeAll(async () => {
  miniflare = await startWithEdgeAuth([
    { name: 'consumer', modules: true, script: CONSUMER_SCRIPT, compatibilityDate: COMPATIBILITY_DATE, serviceBindings: { AUTH: { name: 'edge-auth', entrypoint: 'AuthService' } } },
  ]);
});

afterAll(async () => {
  await miniflare?.dispose();
});

describe('AuthService.verify called by another Worker over a service binding', () => {
  it('returns the claims of a live token', async () => {
    const { accessToken } = await signUpAndLogInOnEdgeAuth(miniflare);
    const result = await verifyInSecondWorker(accessToken);
    expect(result).toMatchObject({ valid: true, claims: { iss: EDGE_AUTH_ISSUER, aud: 'edge-auth' } });
    expect(result.claims?.sid).toMatch(/^00\./);
  });

  it('refuses the token of a session that logged out, through the KV revocation flag', async () => {
    const { accessToken, refreshToken } = await signUpAndLogInOnEdgeAuth(miniflare);
    expect((await verifyInSecondWorker(accessToken)).valid).toBe(true);
    expect(await logOutOnEdgeAuth(miniflare, refreshToken)).toBe(204);
    expect(await verifyInSecondWorker(accessToken)).toMatchObject({ valid: false, code: 'ERR_TOKEN_REVOKED' });
  });

  it('refuses a tampered token with a stable code and never echoes it', async () => {
    const { accessToken } = await signUpAndLogInOnEdgeAuth(miniflare);
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
