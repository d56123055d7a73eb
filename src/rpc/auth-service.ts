// AuthService: a WorkerEntrypoint other Workers call over a service binding to verify tokens with no HTTP hop.

import { WorkerEntrypoint } from 'cloudflare:workers';
import type { Bindings } from '../http/app-env';
import { getConfig } from '../core/config';
import { getPublicJwks } from '../tokens/access';
import { withCurrentSigningKeys } from '../tokens/key-rotation';
import type { AccessTokenClaims } from '../core/token-verification';
import { VerifierError, type VerifierErrorCode } from '../verify/errors';
import { createVerifier, type Verifier } from '../verify/verifier';

/** What `AuthService.verify` answers: the claims, or a stable code and a reason (never the token). */
export type ServiceVerification = { valid: true; claims: AccessTokenClaims } | { valid: false; code: VerifierErrorCode | 'ERR_ISSUER_UNKNOWN'; message: string };

/**
 * At most this many verifiers are kept per isolate (least recently used
 * first out): callers may name any issuer when JWT_ISSUER is unset, and each
 * one must not grow memory for ever.
 */
export const MAX_CACHED_VERIFIERS = 16;

// One verifier per key set, issuer and audience, so keys are imported once per isolate. Map order is use order.
const verifiers = new Map<string, Promise<Verifier>>();

/** How many verifiers this isolate holds now (for tests). */
export function cachedVerifierCount(): number {
  return verifiers.size;
}

async function verifierFor(env: Bindings, issuer: string): Promise<Verifier> {
  const config = await withCurrentSigningKeys(env, getConfig(env as unknown as Record<string, unknown>), Math.floor(Date.now() / 1000));
  const cacheKey = JSON.stringify([config.signingKeys.source, issuer, config.audience]);
  let verifier = verifiers.get(cacheKey);
  if (verifier) {
    verifiers.delete(cacheKey);
  } else {
    const maxTokenLifetimeSeconds = config.accessTokenTtlSeconds;
    verifier = getPublicJwks(config.signingKeys).then((jwks) => createVerifier({ jwks, issuer, audience: config.audience, revocations: env.KV, maxTokenLifetimeSeconds }));
    verifier.catch(() => verifiers.delete(cacheKey));
  }
  verifiers.set(cacheKey, verifier);
  for (const oldest of verifiers.keys()) {
    if (verifiers.size <= MAX_CACHED_VERIFIERS) break;
    verifiers.delete(oldest);
  }
  return verifier;
}

/**
 * Bind it from another Worker (`services = [{ binding = "AUTH", service = "edge-auth",
 * entrypoint = "AuthService" }]`) and call `await env.AUTH.verify(token)`.
 * Applies the same rules as the HTTP API, the KV revocation flag included.
 */
export class AuthService extends WorkerEntrypoint<Bindings> {
  /**
   * Verifies an access token. `expectedIssuer` is needed only when JWT_ISSUER
   * is not set (in dev the issuer is the origin that issued the token).
   */
  async verify(token: string, expectedIssuer?: string): Promise<ServiceVerification> {
    const issuer = getConfig(this.env as unknown as Record<string, unknown>).issuer ?? expectedIssuer;
    if (!issuer) return { valid: false, code: 'ERR_ISSUER_UNKNOWN', message: 'JWT_ISSUER is not set: pass the expected issuer' };
    try {
      const verifier = await verifierFor(this.env, issuer);
      return { valid: true, claims: await verifier.verify(token) };
    } catch (error) {
      if (error instanceof VerifierError) return { valid: false, code: error.code, message: error.message };
      throw error;
    }
  }
}
