// Access tokens: no lifetime longer than we could issue, no b64/zip headers, and no issuer taken from the Host of a deployed worker.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { toPublicJwk, type PrivateSigningJwk } from '../../src/core/signing-keys';
import { createVerifier } from '../../src/verify';
import { createTestClient, DEFAULT_PASSWORD, getMe, signUpAndLogIn, uniqueEmail, type TestClient } from '../helpers/client';
import { decodeToken, signWithJwk } from '../helpers/forge';
import { databaseForEmail } from '../../src/storage/database';

const [key] = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: PrivateSigningJwk[] }).keys as [PrivateSigningJwk];
const ISSUER = 'https://auth.example.test';

/** A token signed with the service's own first key, from a real session's claims, with changes. */
async function resign(accessToken: string, payloadChanges: Record<string, unknown>, headerChanges: Record<string, unknown> = {}): Promise<string> {
  const { payload } = decodeToken(accessToken);
  return signWithJwk({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...headerChanges }, { ...payload, ...payloadChanges }, key);
}

async function session(client: TestClient): Promise<{ accessToken: string; iat: number }> {
  const user = await signUpAndLogIn(client);
  return { accessToken: user.accessToken, iat: Number(decodeToken(user.accessToken).payload.iat) };
}

describe('the worker refuses access tokens it could not have issued', () => {
  it('refuses a genuine-looking token whose lifetime exceeds ACCESS_TOKEN_TTL_SECONDS plus the 30 s skew', async () => {
    const client = createTestClient({ vars: { ACCESS_TOKEN_TTL_SECONDS: '900' } });
    const { accessToken, iat } = await session(client);
    expect((await getMe(client, await resign(accessToken, { exp: iat + 930 }))).status).toBe(200);
    for (const exp of [iat + 931, iat + 86_400, iat + 365 * 86_400]) {
      const response = await getMe(client, await resign(accessToken, { exp }));
      expect(response.status).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
    }
  });

  it('refuses b64:false and zip headers', async () => {
    const client = createTestClient();
    const { accessToken } = await session(client);
    for (const header of [{ b64: false }, { b64: false, crit: ['b64'] }, { zip: 'DEF' }]) {
      expect((await getMe(client, await resign(accessToken, {}, header))).status).toBe(401);
    }
  });
});

describe('createVerifier refuses the same tokens', () => {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: 'edge-auth', sub: '00.user', sid: '00.session', jti: 'jti-limits', iat: nowSeconds };
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    signWithJwk({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }, { ...claims, ...payload }, key);

  it('refuses, by default, a lifetime longer than the longest edge-auth can issue (86,400 s)', async () => {
    const verifier = createVerifier({ jwks: { keys: [toPublicJwk(key)] }, issuer: ISSUER, audience: 'edge-auth' });
    await expect(verifier.verify(await sign({ exp: nowSeconds + 86_400 }))).resolves.toMatchObject({ sub: '00.user' });
    await expect(verifier.verify(await sign({ exp: nowSeconds + 86_431 }))).rejects.toMatchObject({ code: 'ERR_TOKEN_CLAIM_INVALID' });
  });

  it('honours maxTokenLifetimeSeconds set to the service ACCESS_TOKEN_TTL_SECONDS', async () => {
    const verifier = createVerifier({ jwks: { keys: [toPublicJwk(key)] }, issuer: ISSUER, audience: 'edge-auth', maxTokenLifetimeSeconds: 900 });
    await expect(verifier.verify(await sign({ exp: nowSeconds + 900 }))).resolves.toBeDefined();
    await expect(verifier.verify(await sign({ exp: nowSeconds + 931 }))).rejects.toMatchObject({ code: 'ERR_TOKEN_CLAIM_INVALID' });
    expect(() => createVerifier({ jwks: { keys: [] }, issuer: ISSUER, audience: 'edge-auth', maxTokenLifetimeSeconds: 0 })).toThrow(/maxTokenLifetimeSeconds/);
  });

  it('refuses b64:false and zip headers', async () => {
    const verifier = createVerifier({ jwks: { keys: [toPublicJwk(key)] }, issuer: ISSUER, audience: 'edge-auth' });
    for (const header of [{ b64: false }, { zip: 'DEF' }]) {
      await expect(verifier.verify(await sign({ exp: nowSeconds + 600 }, header))).rejects.toMatchObject({ code: 'ERR_TOKEN_HEADER_REJECTED' });
    }
  });
});

describe('an empty JWT_ISSUER', () => {
  it('is a configuration error naming JWT_ISSUER on a deployed host, never an issuer taken from the Host', async () => {
    const client = createTestClient({ vars: { JWT_ISSUER: '' } });
    const email = uniqueEmail('issuer');
    expect((await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD })).status).toBe(201);
    const deployed = await client.fetch('https://auth.example.com/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: DEFAULT_PASSWORD }),
    });
    expect(deployed.status).toBe(500);
    const body = (await deployed.json()) as { error: string; message: string };
    expect(body.error).toBe('server_misconfigured');
    expect(body.message).toContain('JWT_ISSUER');
    expect(deployed.headers.get('Set-Cookie')).toBeNull();
    // Refused before any work: no session was opened for the login that could not be answered.
    const { results } = await (await databaseForEmail(env, email)).prepare('SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?1').bind(email).all();
    expect(results).toHaveLength(0);
  });

  it('falls back to the request origin in a local run (wrangler dev on loopback, tests)', async () => {
    const client = createTestClient({ vars: { JWT_ISSUER: '' } });
    const user = await signUpAndLogIn(client);
    expect(decodeToken(user.accessToken).payload.iss).toBe(ISSUER);
    const loopback = await client.fetch('http://127.0.0.1:8787/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(loopback.status).toBe(200);
    const { access_token: accessToken } = (await loopback.json()) as { access_token: string };
    expect(decodeToken(accessToken).payload.iss).toBe('http://127.0.0.1:8787');
  });
});
