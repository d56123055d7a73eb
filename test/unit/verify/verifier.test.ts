// createVerifier (edge-auth/verify): the stable rejection code for each rule, revocation, and its options (the shared catalogue runs in forged-catalogue.test.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { revocationKey } from '../../../src/core/revocation-key';
import { toPublicJwk, type PrivateSigningJwk } from '../../../src/core/signing-keys';
import { createVerifier, TokenRejectedError, type TokenRejectionCode, type Verifier } from '../../../src/verify';
import { assembleToken, generateSigningJwk, replaceTokenPayload, signHs256, signWithJwk, without, type JsonObject } from '../../helpers/forge';

const ISSUER = 'https://auth.example.test';
const AUDIENCE = 'edge-auth';
const NOW_SECONDS = 2_000_000_000;
const privateKeys = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: PrivateSigningJwk[] }).keys;
const jwks = { keys: privateKeys.map(toPublicJwk) };

function keyFor(alg: string): PrivateSigningJwk {
  const key = privateKeys.find((candidate) => candidate.alg === alg);
  if (!key) throw new Error(`test keys hold no ${alg} key`);
  return key;
}

function makeVerifier(options: { revocations?: KVNamespace; nowSeconds?: number } = {}): Verifier {
  return createVerifier({ jwks, issuer: ISSUER, audience: AUDIENCE, revocations: options.revocations, now: () => (options.nowSeconds ?? NOW_SECONDS) * 1000 });
}

function validHeader(key: PrivateSigningJwk): JsonObject {
  return { alg: key.alg, kid: key.kid, typ: 'at+jwt' };
}

function validPayload(overrides: JsonObject = {}): JsonObject {
  return {
    iss: ISSUER, aud: AUDIENCE, sub: '00.user', sid: `00.session-${crypto.randomUUID()}`, jti: crypto.randomUUID(),
    iat: NOW_SECONDS - 10, exp: NOW_SECONDS + 890, roles: [], email: 'someone@example.test', ...overrides,
  };
}

async function expectRejected(verifier: Verifier, token: string, code: TokenRejectionCode): Promise<void> {
  const failure = await verifier.verify(token).then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(TokenRejectedError);
  expect((failure as TokenRejectedError).code).toBe(code);
  expect((failure as TokenRejectedError).name).toBe('TokenRejectedError');
  if (token !== '') expect((failure as Error).message).not.toContain(token);
}

describe('createVerifier', () => {
  describe.each(['EdDSA', 'ES256', 'RS256'])('with an %s key', (alg) => {
    const key = keyFor(alg);

    it('accepts a genuine token and returns its claims', async () => {
      const payload = validPayload({ roles: ['admin'] });
      const claims = await makeVerifier().verify(await signWithJwk(validHeader(key), payload, key));
      expect(claims).toMatchObject({ sub: payload.sub, sid: payload.sid, iss: ISSUER, aud: AUDIENCE, roles: ['admin'] });
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const token = await signWithJwk(validHeader(key), validPayload(), key);
      await expectRejected(makeVerifier(), replaceTokenPayload(token, validPayload({ roles: ['admin'] })), 'ERR_TOKEN_SIGNATURE_INVALID');
    });

    it('refuses a token signed by another key that claims the same kid', async () => {
      const impostor = await generateSigningJwk(key.alg, key.kid);
      await expectRejected(makeVerifier(), await signWithJwk(validHeader(key), validPayload(), impostor), 'ERR_TOKEN_SIGNATURE_INVALID');
    });

    it('refuses HS256 signed with the public key as the secret', async () => {
      const secret = new TextEncoder().encode(JSON.stringify(toPublicJwk(key)));
      const token = await signHs256({ ...validHeader(key), alg: 'HS256' }, validPayload(), secret);
      await expectRejected(makeVerifier(), token, 'ERR_TOKEN_HEADER_REJECTED');
    });

    it.each(['jku', 'jwk', 'x5u', 'x5c'])('refuses a validly signed token whose header names a key source in "%s"', async (name) => {
      const value = name === 'jwk' ? toPublicJwk(key) : name === 'x5c' ? ['MIIB'] : 'https://attacker.example/keys';
      const token = await signWithJwk({ ...validHeader(key), [name]: value }, validPayload(), key);
      await expectRejected(makeVerifier(), token, 'ERR_TOKEN_HEADER_REJECTED');
    });
  });

  const key = keyFor('ES256');
  const signed = (header: JsonObject, payload: JsonObject) => signWithJwk(header, payload, key);

  it('refuses alg "none"', async () => {
    await expectRejected(makeVerifier(), assembleToken({ alg: 'none', kid: key.kid, typ: 'at+jwt' }, validPayload()), 'ERR_TOKEN_HEADER_REJECTED');
  });

  it('refuses a header whose alg does not match the key its kid names', async () => {
    const eddsa = keyFor('EdDSA');
    const token = await signWithJwk({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' }, validPayload(), eddsa);
    await expectRejected(makeVerifier(), token, 'ERR_TOKEN_HEADER_REJECTED');
  });

  it('refuses an unknown kid and a missing kid', async () => {
    await expectRejected(makeVerifier(), await signed({ ...validHeader(key), kid: 'no-such-key' }, validPayload()), 'ERR_TOKEN_KEY_UNKNOWN');
    await expectRejected(makeVerifier(), await signed({ alg: key.alg, typ: 'at+jwt' }, validPayload()), 'ERR_TOKEN_HEADER_REJECTED');
  });

  it('refuses a token signed by a key that was never published', async () => {
    const stranger = await generateSigningJwk('ES256');
    await expectRejected(makeVerifier(), await signWithJwk({ alg: 'ES256', kid: stranger.kid, typ: 'at+jwt' }, validPayload(), stranger), 'ERR_TOKEN_KEY_UNKNOWN');
  });

  it.each([
    ['a missing typ', undefined],
    ['typ "JWT"', 'JWT'],
    ['typ "id+jwt"', 'id+jwt'],
  ])('refuses %s', async (_label, typ) => {
    await expectRejected(makeVerifier(), await signed({ alg: key.alg, kid: key.kid, typ }, validPayload()), 'ERR_TOKEN_HEADER_REJECTED');
  });

  it('accepts typ "application/at+jwt"', async () => {
    await expect(makeVerifier().verify(await signed({ ...validHeader(key), typ: 'application/at+jwt' }, validPayload()))).resolves.toBeDefined();
  });

  it('refuses a crit header, known or not', async () => {
    await expectRejected(makeVerifier(), await signed({ ...validHeader(key), crit: ['exp'] }, validPayload()), 'ERR_TOKEN_HEADER_REJECTED');
    await expectRejected(makeVerifier(), await signed({ ...validHeader(key), crit: ['x-custom'], 'x-custom': 1 }, validPayload()), 'ERR_TOKEN_HEADER_REJECTED');
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example' }],
    ['another audience', { aud: 'someone-else' }],
    ['an audience array without ours', { aud: ['a', 'b'] }],
    ['an iat in the future beyond the skew', { iat: NOW_SECONDS + 31, exp: NOW_SECONDS + 900 }],
    ['an nbf in the future beyond the skew', { nbf: NOW_SECONDS + 31 }],
    ['an empty sub', { sub: '' }],
    ['a numeric sid', { sid: 42 }],
    ['an empty jti', { jti: '' }],
    ['roles that are not strings', { roles: [1] }],
  ])('refuses %s', async (_label, overrides) => {
    await expectRejected(makeVerifier(), await signed(validHeader(key), validPayload(overrides)), 'ERR_TOKEN_CLAIM_INVALID');
  });

  it.each(['iss', 'aud', 'sub', 'sid', 'jti', 'exp', 'iat'])('refuses a token without %s', async (claim) => {
    await expectRejected(makeVerifier(), await signed(validHeader(key), without(validPayload(), claim)), 'ERR_TOKEN_CLAIM_INVALID');
  });

  it('refuses a token expired beyond the 30 s skew and accepts one inside it', async () => {
    const payload = validPayload({ iat: NOW_SECONDS - 900, exp: NOW_SECONDS - 31 });
    await expectRejected(makeVerifier(), await signed(validHeader(key), payload), 'ERR_TOKEN_EXPIRED');
    const justExpired = validPayload({ iat: NOW_SECONDS - 900, exp: NOW_SECONDS - 29 });
    await expect(makeVerifier().verify(await signed(validHeader(key), justExpired))).resolves.toBeDefined();
  });

  it('accepts our audience inside an array', async () => {
    const claims = await makeVerifier().verify(await signed(validHeader(key), validPayload({ aud: ['other', AUDIENCE] })));
    expect(claims.aud).toBe(AUDIENCE);
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'abc.def'],
    ['garbage parts', 'a.b.c'],
    ['a header that is not JSON', `${btoa('nope')}.e30.sig`],
    ['an oversized token', `${'a'.repeat(9000)}.b.c`],
  ])('refuses %s as malformed', async (_label, token) => {
    await expectRejected(makeVerifier(), token, 'ERR_TOKEN_MALFORMED');
  });

  it('refuses a token of a revoked session when given the KV namespace, and accepts it without', async () => {
    const payload = validPayload();
    const token = await signed(validHeader(key), payload);
    await env.KV.put(revocationKey(String(payload.sid)), String(NOW_SECONDS), { expirationTtl: 60 });
    await expectRejected(makeVerifier({ revocations: env.KV }), token, 'ERR_TOKEN_REVOKED');
    await expect(makeVerifier().verify(token)).resolves.toMatchObject({ sid: payload.sid });
  });

  it('fails closed with RevocationUnavailableError when the revocation store throws', async () => {
    const broken = { get: () => Promise.reject(new Error('kv down')) } as unknown as KVNamespace;
    const token = await signed(validHeader(key), validPayload());
    await expect(makeVerifier({ revocations: broken }).verify(token)).rejects.toMatchObject({ code: 'ERR_REVOCATION_UNAVAILABLE', name: 'RevocationUnavailableError' });
  });

  it('refuses options that name no key source or both', () => {
    expect(() => createVerifier({ issuer: ISSUER, audience: AUDIENCE } as never)).toThrow(TypeError);
    expect(() => createVerifier({ jwks, jwksUrl: 'https://x.example/jwks', issuer: ISSUER, audience: AUDIENCE } as never)).toThrow(TypeError);
    expect(() => createVerifier({ jwksUrl: 'http://auth.example.com/jwks', issuer: ISSUER, audience: AUDIENCE })).toThrow(/https/);
  });
});
