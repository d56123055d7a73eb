// HTTP behaviour every route shares: errors, headers, body limits, CORS and origin checks.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { ERROR_CODES_FOR_TEST } from '../helpers/error-codes';
import { createTestClient, DEFAULT_PASSWORD, getMe, signUpAndLogIn, uniqueEmail } from '../helpers/client';

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe(code);
  expect(ERROR_CODES_FOR_TEST).toContain(body.error);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
}

function streamOf(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(Math.min(4096, bytes - sent)).fill(0x20);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe('errors every route may answer', () => {
  it('answers 404 not_found as JSON for an unknown path', async () => {
    await expectError(await createTestClient().fetch('/nope'), 404, 'not_found');
  });

  it('answers 405 method_not_allowed with Allow for a known path and the wrong method', async () => {
    const response = await createTestClient().fetch('/auth/login');
    expect(response.headers.get('Allow')).toContain('POST');
    await expectError(response, 405, 'method_not_allowed');
  });

  it('answers 413 payload_too_large for a declared body over 16 KiB', async () => {
    const client = createTestClient();
    const response = await client.fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(16 * 1024 + 1) },
      body: 'x'.repeat(16 * 1024 + 1),
    });
    await expectError(response, 413, 'payload_too_large');
  });

  it('answers 413 for a streamed body over 16 KiB that declares no length', async () => {
    const client = createTestClient();
    const response = await client.fetch('/auth/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: streamOf(64 * 1024),
      // @ts-expect-error: `duplex` is required by the platform for streamed bodies
      duplex: 'half',
    });
    await expectError(response, 413, 'payload_too_large');
  });

  it.each(['1e3', '-1', 'ten'])('answers 400 invalid_request for Content-Length: %s', async (length) => {
    const response = await createTestClient().fetch('/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': length }, body: '{}' });
    await expectError(response, 400, 'invalid_request');
  });

  it('reads a streamed body of exactly 16 KiB (400 for blank JSON, not 413)', async () => {
    const response = await createTestClient().fetch('/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: streamOf(16 * 1024),
      // @ts-expect-error: `duplex` is required by the platform for streamed bodies
      duplex: 'half',
    });
    await expectError(response, 400, 'invalid_request');
  });

  it.each([
    ['text/plain', '{"email":"a@example.test","password":"whatever12"}'],
    ['application/x-www-form-urlencoded', 'email=a%40example.test&password=whatever12'],
    ['application/json; charset=latin1', '{"email":"a@example.test","password":"whatever12"}'],
  ])('answers 415 unsupported_media_type for a %s body', async (contentType, body) => {
    const response = await createTestClient().fetch('/auth/login', { method: 'POST', headers: { 'Content-Type': contentType }, body });
    await expectError(response, 415, 'unsupported_media_type');
  });

  it.each([
    ['malformed JSON', '{"email":'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['an empty body', ''],
  ])('answers 400 invalid_request for %s', async (_, body) => {
    const response = await createTestClient().fetch('/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await expectError(response, 400, 'invalid_request');
  });

  it('accepts a JSON body that starts with a byte-order mark', async () => {
    const client = createTestClient();
    const body = `\uFEFF${JSON.stringify({ email: uniqueEmail(), password: DEFAULT_PASSWORD })}`;
    const response = await client.fetch('/auth/register', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(response.status).toBe(201);
  });
});

describe('headers on every response', () => {
  it.each(['/health', '/auth/me', '/nope', '/openapi.json'])('%s carries no-store, nosniff and a JSON content type', async (path) => {
    const response = await createTestClient().fetch(path);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  });

  it('lets verifiers cache the JWKS and still says nosniff', async () => {
    const response = await createTestClient().fetch('/.well-known/jwks.json');
    expect(response.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+/);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  });
});

describe('bearer authentication (RFC 6750)', () => {
  it('answers a request without a token with 401 and a bare Bearer challenge', async () => {
    const response = await createTestClient().fetch('/auth/me');
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
    await expectError(response, 401, 'invalid_token');
  });

  it('answers a bad token with 401 and error="invalid_token", without echoing it', async () => {
    const response = await getMe(createTestClient(), 'not.a.token');
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
    const text = await response.clone().text();
    expect(text).not.toContain('not.a.token');
    await expectError(response, 401, 'invalid_token');
  });

  it('refuses an access token whose lifetime has passed (beyond 30 s of skew)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.clock.advanceSeconds(900 + 29);
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    client.clock.advanceSeconds(2);
    await expectError(await getMe(client, user.accessToken), 401, 'invalid_token');
  });
});

describe('CORS and the cookie endpoints’ origin check', () => {
  const ALLOWED = 'https://app.example.test';

  it('echoes an allowed origin with credentials and Vary: Origin', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: `${ALLOWED}, https://other.example.test` } });
    const response = await client.fetch('/health', { headers: { Origin: ALLOWED } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response.headers.get('Vary')).toContain('Origin');
  });

  it('gives no CORS headers to an origin that is not allowed', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const response = await client.fetch('/health', { headers: { Origin: 'https://evil.example.test' } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });

  it('answers a preflight from an allowed origin with the methods and headers it may use', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const response = await client.fetch('/auth/refresh', {
      method: 'OPTIONS',
      headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(response.headers.get('Access-Control-Allow-Headers')).toMatch(/Content-Type/i);
  });

  it('lists the path’s methods in Allow on a preflight, from an allowed origin or not', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    for (const origin of [ALLOWED, 'https://evil.example.test']) {
      const response = await client.fetch('/auth/refresh', { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
      expect(response.status).toBe(204);
      expect(response.headers.get('Allow')).toBe('POST, OPTIONS');
      expect(response.headers.get('Vary')).toContain('Origin');
    }
  });

  it('answers OPTIONS on a path that serves nothing with 404, not a preflight', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const response = await client.fetch('/nope', { method: 'OPTIONS', headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'GET' } });
    await expectError(response, 404, 'not_found');
  });

  it('lets an allowed origin’s scripts read WWW-Authenticate and Retry-After', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const response = await client.fetch('/auth/me', { headers: { Origin: ALLOWED } });
    expect(response.status).toBe(401);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ALLOWED);
    const exposed = (response.headers.get('Access-Control-Expose-Headers') ?? '').split(',').map((name) => name.trim());
    expect(exposed).toEqual(['WWW-Authenticate', 'Retry-After']);
  });

  it.each(['/auth/refresh', '/auth/logout'])('%s refuses a foreign Origin with 403 forbidden_origin', async (path) => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const user = await signUpAndLogIn(client);
    const response = await client.fetch(path, { method: 'POST', headers: { Origin: 'https://evil.example.test', Cookie: `edge_auth_refresh=${user.refreshToken}` } });
    await expectError(response, 403, 'forbidden_origin');
    // The session survived the forged request.
    expect((await getMe(client, user.accessToken)).status).toBe(200);
  });

  it.each(['/auth/refresh', '/auth/logout'])('%s refuses Sec-Fetch-Site: cross-site without a trusted Origin', async (path) => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch(path, { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Cookie: `edge_auth_refresh=${user.refreshToken}` } });
    await expectError(response, 403, 'forbidden_origin');
  });

  it('refuses the opaque "null" origin', async () => {
    const client = createTestClient();
    const response = await client.fetch('/auth/refresh', { method: 'POST', headers: { Origin: 'null' } });
    await expectError(response, 403, 'forbidden_origin');
  });

  it('accepts the service’s own origin and an allowed origin on the cookie endpoints', async () => {
    const client = createTestClient({ vars: { ALLOWED_ORIGINS: ALLOWED } });
    const user = await signUpAndLogIn(client);
    const own = await client.fetch('/auth/refresh', { method: 'POST', headers: { Origin: 'https://auth.example.test', 'Sec-Fetch-Site': 'same-origin', Cookie: `edge_auth_refresh=${user.refreshToken}` } });
    expect(own.status).toBe(200);
    const successor = /edge_auth_refresh=([^;]+)/.exec(own.headers.get('Set-Cookie') ?? '')?.[1];
    const allowed = await client.fetch('/auth/refresh', { method: 'POST', headers: { Origin: ALLOWED, 'Sec-Fetch-Site': 'cross-site', Cookie: `edge_auth_refresh=${successor}` } });
    expect(allowed.status).toBe(200);
  });

  it('uses the configured SameSite on the refresh cookie', async () => {
    const client = createTestClient({ vars: { COOKIE_SAMESITE: 'None', ALLOWED_ORIGINS: ALLOWED } });
    const email = uniqueEmail();
    await client.postJson('/auth/register', { email, password: DEFAULT_PASSWORD });
    const response = await client.postJson('/auth/login', { email, password: DEFAULT_PASSWORD });
    expect(response.headers.get('Set-Cookie')).toMatch(/SameSite=None/);
  });
});

describe('GET /health and GET /.well-known/jwks.json', () => {
  it('answers health with {"ok":true}', async () => {
    const response = await createTestClient().fetch('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('publishes every configured key, public members only, each with kid, alg and use "sig"', async () => {
    const client = createTestClient();
    const { keys } = (await (await client.fetch('/.well-known/jwks.json')).json()) as { keys: Record<string, string>[] };
    const configured = JSON.parse(client.env.JWT_SIGNING_KEYS) as { keys: { kid: string; alg: string }[] };
    expect(keys.map((key) => key.kid)).toEqual(configured.keys.map((key) => key.kid));
    for (const key of keys) {
      expect(key.use).toBe('sig');
      expect(['EdDSA', 'ES256', 'RS256']).toContain(key.alg);
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(secret);
    }
  });
});

describe('the app instance', () => {
  it('can be built more than once without duplicating routes', () => {
    const first = createApp().routes.length;
    expect(createApp().routes.length).toBe(first);
  });
});
