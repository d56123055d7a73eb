// Bounded trust: stale JWKS keys, the RPC verifier cache, and revocation flags that outlive every token a verifier accepts.
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../../src/http/app-env';
import { AuthService, cachedVerifierCount, MAX_CACHED_VERIFIERS } from '../../src/rpc/auth-service';
import { revocationKey } from '../../src/core/revocation-key';
import { toPublicJwk, type PrivateSigningJwk } from '../../src/core/signing-keys';
import { createVerifier } from '../../src/verify';
import { MAX_JWKS_STALE_SECONDS } from '../../src/verify/jwks-cache';
import { createTestClient, createTestClock, getMe, signUpAndLogIn } from '../helpers/client';
import { decodeToken, signWithJwk } from '../helpers/forge';

const [key] = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: PrivateSigningJwk[] }).keys as [PrivateSigningJwk];
const ISSUER = 'https://issuer.example.test';

describe('JwksCache while the JWKS cannot be fetched', () => {
  it('keeps verifying with the last good keys for a bounded stale window, then fails closed', async () => {
    const clock = createTestClock(Date.parse('2031-06-01T00:00:00Z'));
    let down = false;
    const fetchJwks: typeof fetch = async () => {
      if (down) throw new Error('connection refused');
      return Response.json({ keys: [toPublicJwk(key)] }, { headers: { 'Cache-Control': 'max-age=300' } });
    };
    const verifier = createVerifier({ jwksUrl: `${ISSUER}/.well-known/jwks.json`, issuer: ISSUER, audience: 'edge-auth', fetch: fetchJwks, now: clock.now });
    const token = async () => {
      const nowSeconds = Math.floor(clock.now() / 1000);
      return signWithJwk({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }, { iss: ISSUER, aud: 'edge-auth', sub: '00.u', sid: '00.s', jti: 'j', iat: nowSeconds, exp: nowSeconds + 600 }, key);
    };
    await expect(verifier.verify(await token())).resolves.toMatchObject({ sub: '00.u' });

    down = true;
    clock.advanceSeconds(300 + MAX_JWKS_STALE_SECONDS - 60);
    await expect(verifier.verify(await token())).resolves.toMatchObject({ sub: '00.u' });
    // Past the stale window the keys (which may have been removed, e.g. after a compromise) are no longer trusted.
    clock.advanceSeconds(120);
    await expect(verifier.verify(await token())).rejects.toMatchObject({ code: 'ERR_JWKS_UNAVAILABLE' });

    down = false;
    await expect(verifier.verify(await token())).resolves.toMatchObject({ sub: '00.u' });
  });
});

describe('AuthService (RPC)', () => {
  it(`keeps at most ${MAX_CACHED_VERIFIERS} verifiers however many issuers callers name`, async () => {
    const service = new AuthService(createExecutionContext(), { ...env, JWT_ISSUER: '' } as unknown as Bindings);
    for (let index = 0; index < MAX_CACHED_VERIFIERS * 3; index++) {
      const answer = await service.verify('not-a-token', `https://issuer-${index}.example.test`);
      expect(answer.valid).toBe(false);
    }
    expect(cachedVerifierCount()).toBeLessThanOrEqual(MAX_CACHED_VERIFIERS);
  });
});

describe('revocation flags and an earlier, longer ACCESS_TOKEN_TTL_SECONDS', () => {
  it('keep a revoked session flagged for as long as a token issued under the longer lifetime could verify', async () => {
    const longer = createTestClient({ vars: { ACCESS_TOKEN_TTL_SECONDS: '3600' } });
    const user = await signUpAndLogIn(longer);
    const { exp } = decodeToken(user.accessToken).payload as { exp: number };
    // The operator lowers the lifetime; the session is revoked under the new setting.
    const shorter = createTestClient({ vars: { ACCESS_TOKEN_TTL_SECONDS: '300' }, clock: longer.clock });
    // (The worker itself already refuses the longer token under its new bound; the refresh cookie names the session.)
    expect((await getMe(shorter, user.accessToken)).status).toBe(401);
    expect((await shorter.fetch('/auth/logout', { method: 'POST', headers: { Cookie: `__Host-edge_auth_refresh=${user.refreshToken}` } })).status).toBe(204);
    const { keys } = await env.KV.list({ prefix: revocationKey(user.sessionId) });
    expect(keys).toHaveLength(1);
    expect(keys[0]?.expiration).toBeGreaterThanOrEqual(exp + 30);
    // A verifier elsewhere, with the default lifetime bound, still sees the flag.
    const verifier = createVerifier({ jwks: { keys: [toPublicJwk(key)] }, issuer: 'https://auth.example.test', audience: 'edge-auth', revocations: env.KV });
    await expect(verifier.verify(user.accessToken)).rejects.toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
  });
});
