// RFC 6750 §3.1: a token sent twice or in the query gets 400 invalid_request with its own Bearer challenge.
import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { toPublicJwk, type PrivateSigningJwk } from '../../src/core/signing-keys';
import { createVerifier } from '../../src/verify';
import { requireAccessToken } from '../../src/verify/hono';
import { createTestClient, signUpAndLogIn } from '../helpers/client';

const CHALLENGE = 'Bearer error="invalid_request"';

function twoHeaders(token: string): Headers {
  const headers = new Headers();
  headers.append('Authorization', `Bearer ${token}`);
  headers.append('Authorization', `Bearer ${token}`);
  return headers;
}

describe('the worker answers a misdelivered bearer token with the invalid_request challenge', () => {
  it('sends WWW-Authenticate: Bearer error="invalid_request" for a token in the query string', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    for (const path of [`/auth/me?access_token=${user.accessToken}`, `/auth/sessions?token=${user.accessToken}`]) {
      const response = await client.fetch(path);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
      expect(response.headers.get('WWW-Authenticate')).toBe(CHALLENGE);
    }
  });

  it('sends the same challenge for a token sent in two Authorization headers', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/me', { headers: twoHeaders(user.accessToken) });
    expect(response.status).toBe(400);
    expect(response.headers.get('WWW-Authenticate')).toBe(CHALLENGE);
  });
});

describe('edge-auth/verify/hono answers the same way', () => {
  it('sends the invalid_request challenge for a query-string token and for two headers', async () => {
    const [key] = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: PrivateSigningJwk[] }).keys as [PrivateSigningJwk];
    const verifier = createVerifier({ jwks: { keys: [toPublicJwk(key)] }, issuer: 'https://auth.example.test', audience: 'edge-auth' });
    const app = new Hono();
    app.use('/api/*', requireAccessToken(verifier));
    app.get('/api/me', (c) => c.text('ok'));
    for (const init of [{ path: '/api/me?access_token=abc.def.ghi' }, { path: '/api/me', headers: twoHeaders('abc.def.ghi') }]) {
      const response = await app.request(init.path, { headers: init.headers });
      expect(response.status).toBe(400);
      expect(response.headers.get('WWW-Authenticate')).toBe(CHALLENGE);
    }
  });
});
