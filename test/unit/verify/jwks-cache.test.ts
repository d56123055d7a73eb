// The verifier's JWKS cache: honours max-age, revalidates with ETag, refetches on an unknown kid at most once per 30 s.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { toPublicJwk, type PrivateSigningJwk } from '../../../src/core/signing-keys';
import { cacheSecondsFrom } from '../../../src/verify/jwks-cache';
import { createVerifier, UNKNOWN_KID_REFETCH_INTERVAL_SECONDS } from '../../../src/verify';
import { createTestClock } from '../../helpers/client';
import { generateSigningJwk, signWithJwk, type ForgeSigningJwk, type JsonObject } from '../../helpers/forge';

const JWKS_URL = 'https://issuer.example.test/.well-known/jwks.json';
const ISSUER = 'https://issuer.example.test';
const [knownKey] = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: PrivateSigningJwk[] }).keys as [PrivateSigningJwk];

/** A stand-in for a remote JWKS endpoint: serves `keys` with a Cache-Control and an ETag, and records requests. */
function createJwksServer(cacheControl: string | null = 'public, max-age=300') {
  const state = { keys: [toPublicJwk(knownKey)] as unknown[], requests: [] as { url: string; ifNoneMatch: string | null }[], down: false };
  const fetchJwks: typeof fetch = async (input, init) => {
    const ifNoneMatch = new Headers(init?.headers).get('If-None-Match');
    state.requests.push({ url: String(input), ifNoneMatch });
    if (state.down) throw new Error('connection refused');
    const body = JSON.stringify({ keys: state.keys });
    const etag = `"v${state.keys.length}-${body.length}"`;
    const headers: Record<string, string> = { ETag: etag };
    if (cacheControl !== null) headers['Cache-Control'] = cacheControl;
    if (ifNoneMatch === etag) return new Response(null, { status: 304, headers });
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': 'application/json' } });
  };
  return { state, fetchJwks };
}

function tokenPayload(nowSeconds: number): JsonObject {
  return { iss: ISSUER, aud: 'edge-auth', sub: '00.u', sid: '00.s', jti: 'jti-1', iat: nowSeconds, exp: nowSeconds + 600 };
}

async function tokenFor(key: ForgeSigningJwk, nowSeconds: number, extraHeader: JsonObject = {}): Promise<string> {
  return signWithJwk({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...extraHeader }, tokenPayload(nowSeconds), key);
}

function setUp(cacheControl?: string | null) {
  const clock = createTestClock(Date.parse('2031-01-01T00:00:00Z'));
  const server = createJwksServer(cacheControl);
  const verifier = createVerifier({ jwksUrl: JWKS_URL, issuer: ISSUER, audience: 'edge-auth', fetch: server.fetchJwks, now: clock.now });
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  return { clock, server, verifier, nowSeconds };
}

describe('the verifier JWKS cache', () => {
  it('fetches once, serves from memory within max-age, then revalidates with If-None-Match', async () => {
    const { clock, server, verifier, nowSeconds } = setUp();
    await verifier.verify(await tokenFor(knownKey, nowSeconds()));
    clock.advanceSeconds(299);
    await verifier.verify(await tokenFor(knownKey, nowSeconds()));
    expect(server.state.requests).toHaveLength(1);
    clock.advanceSeconds(2);
    await verifier.verify(await tokenFor(knownKey, nowSeconds()));
    expect(server.state.requests).toHaveLength(2);
    expect(server.state.requests[1]?.ifNoneMatch).toMatch(/^"v1-/);
  });

  it('honours a shorter max-age from the response', async () => {
    const { clock, server, verifier, nowSeconds } = setUp('public, max-age=60');
    await verifier.verify(await tokenFor(knownKey, nowSeconds()));
    clock.advanceSeconds(61);
    await verifier.verify(await tokenFor(knownKey, nowSeconds()));
    expect(server.state.requests).toHaveLength(2);
  });

  it('refetches on an unknown kid at most once per 30 s, and then accepts a newly published key', async () => {
    const { clock, server, verifier, nowSeconds } = setUp();
    await verifier.verify(await tokenFor(knownKey, nowSeconds()));
    const newKey = await generateSigningJwk('ES256');
    clock.advanceSeconds(UNKNOWN_KID_REFETCH_INTERVAL_SECONDS + 1);
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(verifier.verify(await tokenFor(newKey, nowSeconds()))).rejects.toMatchObject({ code: 'ERR_TOKEN_KEY_UNKNOWN' });
    }
    expect(server.state.requests).toHaveLength(2);
    server.state.keys.push(toPublicJwk(newKey as unknown as PrivateSigningJwk));
    clock.advanceSeconds(UNKNOWN_KID_REFETCH_INTERVAL_SECONDS - 1);
    await expect(verifier.verify(await tokenFor(newKey, nowSeconds()))).rejects.toMatchObject({ code: 'ERR_TOKEN_KEY_UNKNOWN' });
    clock.advanceSeconds(2);
    await expect(verifier.verify(await tokenFor(newKey, nowSeconds()))).resolves.toMatchObject({ sub: '00.u' });
    expect(server.state.requests).toHaveLength(3);
  });

  it('never fetches keys from a URL a token names', async () => {
    const { server, verifier, nowSeconds } = setUp();
    const attacker = await generateSigningJwk('ES256');
    const token = await tokenFor(attacker, nowSeconds(), { jku: 'https://attacker.example/jwks.json', x5u: 'https://attacker.example/cert' });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_HEADER_REJECTED' });
    expect(server.state.requests.every((request) => request.url === JWKS_URL)).toBe(true);
  });

  it('answers JwksUnavailableError when the first fetch fails, and keeps the last good keys through a later outage', async () => {
    const { clock, server, verifier, nowSeconds } = setUp();
    server.state.down = true;
    await expect(verifier.verify(await tokenFor(knownKey, nowSeconds()))).rejects.toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE', name: 'JwksUnavailableError' });
    server.state.down = false;
    clock.advanceSeconds(UNKNOWN_KID_REFETCH_INTERVAL_SECONDS + 1);
    await verifier.verify(await tokenFor(knownKey, nowSeconds()));
    server.state.down = true;
    clock.advanceSeconds(301);
    await expect(verifier.verify(await tokenFor(knownKey, nowSeconds()))).resolves.toMatchObject({ sub: '00.u' });
  });

  it('skips keys it cannot use and ignores private members', async () => {
    const { server, verifier, nowSeconds } = setUp();
    server.state.keys = [{ kty: 'oct', kid: 'symmetric', alg: 'HS256', k: 'c2VjcmV0' }, { ...toPublicJwk(knownKey), use: 'enc', kid: 'for-encryption' }, toPublicJwk(knownKey)];
    await expect(verifier.verify(await tokenFor(knownKey, nowSeconds()))).resolves.toBeDefined();
  });

  it.each([
    [null, 300],
    ['public, max-age=120', 120],
    ['max-age=999999999', 86_400],
    ['no-store', 0],
    ['public, no-cache', 0],
  ])('reads Cache-Control %s as %i seconds', (header, seconds) => {
    expect(cacheSecondsFrom(header)).toBe(seconds);
  });
});
