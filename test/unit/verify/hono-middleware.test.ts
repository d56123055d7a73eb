// requireAccessToken (edge-auth/verify/hono): RFC 6750 answers on top of createVerifier.
import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { toPublicJwk, type PrivateSigningJwk } from '../../../src/core/signing-keys';
import { createVerifier, type Verifier } from '../../../src/verify';
import { requireAccessToken, type VerifiedTokenVariables } from '../../../src/verify/hono';
import { signWithJwk } from '../../helpers/forge';

const ISSUER = 'https://auth.example.test';
const [key] = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: PrivateSigningJwk[] }).keys as [PrivateSigningJwk];

function appWith(verifier: Verifier) {
  const app = new Hono<{ Variables: VerifiedTokenVariables }>();
  app.use('/api/*', requireAccessToken(verifier));
  app.get('/api/me', (c) => c.json({ sub: c.var.accessTokenClaims.sub }));
  return app;
}

async function genuineToken(): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return signWithJwk({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }, { iss: ISSUER, aud: 'edge-auth', sub: '00.user', sid: '00.session', jti: 'jti-1', iat: nowSeconds, exp: nowSeconds + 600 }, key);
}

const jwksVerifier = createVerifier({ jwks: { keys: [toPublicJwk(key)] }, issuer: ISSUER, audience: 'edge-auth' });

describe('requireAccessToken', () => {
  it('passes a valid bearer token through with its claims', async () => {
    const response = await appWith(jwksVerifier).request('/api/me', { headers: { Authorization: `Bearer ${await genuineToken()}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: '00.user' });
  });

  it('answers 401 with a bare Bearer challenge when no token is sent', async () => {
    const response = await appWith(jwksVerifier).request('/api/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
  });

  it('answers 401 invalid_token for a bad token, without echoing it', async () => {
    const token = `${await genuineToken()}x`;
    const response = await appWith(jwksVerifier).request('/api/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ error: 'invalid_token' });
    expect(body).not.toContain(token);
  });

  it('answers 400 for a token in the query string or two Authorization headers', async () => {
    const token = await genuineToken();
    expect((await appWith(jwksVerifier).request(`/api/me?access_token=${token}`)).status).toBe(400);
    expect((await appWith(jwksVerifier).request('/api/me', { headers: { Authorization: `Bearer ${token}, Bearer ${token}` } })).status).toBe(400);
  });

  it('answers 503 with Retry-After when the JWKS cannot be fetched', async () => {
    const unreachable = createVerifier({ jwksUrl: 'https://keys.example.test/jwks.json', issuer: ISSUER, audience: 'edge-auth', fetch: () => Promise.reject(new Error('down')) });
    const response = await appWith(unreachable).request('/api/me', { headers: { Authorization: `Bearer ${await genuineToken()}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(await response.json()).toMatchObject({ error: 'service_unavailable' });
  });
});
