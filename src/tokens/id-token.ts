// OpenID Connect ID tokens from sign-in providers: verified with jose against the provider's JWKS (signature, iss, aud, exp, nonce).

import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { CLOCK_SKEW_SECONDS } from '../core/token-verification';

/** What an ID token must match. */
export interface IdTokenExpectations {
  /** The provider's JWKS URL (from discovery, or built in for Google). */
  jwksUri: string;
  /** Accepted `iss` values, compared exactly (Google uses two spellings). */
  issuers: readonly string[];
  /** Our client id at the provider: `aud` must contain it. */
  clientId: string;
  /** The nonce stored with the flow. */
  nonce: string;
  nowSeconds: number;
}

/** The claims a sign-in reads from a verified ID token. */
export interface IdTokenClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
}

/** Why an ID token was refused (for the log; the browser gets `provider_error`). */
export class IdTokenRejection extends Error {
  constructor(readonly reason: string) {
    super(`ID token refused: ${reason}`);
    this.name = this.constructor.name;
  }
}

/** Asymmetric algorithms only: a provider's shared-secret (HS*) tokens are refused. */
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

// One key set per JWKS URL per isolate: jose caches the keys and refetches on an unknown kid (at most every 30 s).
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySetFor(jwksUri: string): ReturnType<typeof createRemoteJWKSet> {
  let keySet = keySets.get(jwksUri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    keySets.set(jwksUri, keySet);
  }
  return keySet;
}

/**
 * Verifies a provider's ID token: signature by a key of the provider's
 * JWKS, `iss` exactly one of `issuers`, `aud` containing our client id (and
 * `azp` equal to it when there are several audiences), `exp` not passed and
 * `iat` present (30 s of skew), and `nonce` equal to the flow's. Throws an
 * IdTokenRejection naming the failed rule.
 *
 * @example
 * const claims = await verifyIdToken(tokens.idToken(), { jwksUri, issuers: [issuer], clientId, nonce, nowSeconds });
 */
export async function verifyIdToken(idToken: string, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keySetFor(expected.jwksUri), {
      issuer: [...expected.issuers],
      audience: expected.clientId,
      algorithms: ID_TOKEN_ALGORITHMS,
      currentDate: new Date(expected.nowSeconds * 1000),
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'unknown';
    const claim = typeof error === 'object' && error !== null && 'claim' in error ? ` (${String((error as { claim: unknown }).claim)})` : '';
    throw new IdTokenRejection(`${code}${claim}`);
  }
  if (payload.nonce !== expected.nonce) throw new IdTokenRejection('nonce does not match the flow');
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== expected.clientId) throw new IdTokenRejection('azp is not our client');
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) throw new IdTokenRejection('sub missing or too long');
  return { sub: payload.sub, email: payload.email, email_verified: payload.email_verified };
}
