// AuthService: a WorkerEntrypoint other Workers call over a service binding to verify tokens with no HTTP hop.

import { WorkerEntrypoint } from 'cloudflare:workers';
import type { Bindings } from '../app-env';
import { getConfig } from '../config';
import { getPublicJwks } from '../tokens/access';
import { withCurrentSigningKeys } from '../tokens/key-rotation';
import type { AccessTokenClaims } from '../tokens/verification';
import { VerifierError, type VerifierErrorCode } from '../verify/errors';
import { createVerifier, type Verifier } from '../verify/verifier';

/** What `AuthService.verify` answers: the claims, or a stable code and a reason (never the token). */
export type ServiceVerification = { valid: true; claims: AccessTokenClaims } | { valid: false; code: VerifierErrorCode | 'ERR_ISSUER_UNKNOWN'; message: string };

// One verifier per key set, issuer and audience, so keys are imported once per isolate.
const verifiers = new Map<string, Promise<Verifier>>();

async function verifierFor(env: Bindings, issuer: string): Promise<Verifier> {
  const config = await withCurrentSigningKeys(env, getConfig(env as unknown as Record<string, unknown>), Math.floor(Date.now() / 1000));
  const cacheKey = JSON.stringify([config.signingKeys.source, issuer, config.audience]);
  let verifier = verifiers.get(cacheKey);
  if (!verifier) {
    verifier = getPublicJwks(config.signingKeys).then((jwks) => createVerifier({ jwks, issuer, audience: config.audience, revocations: env.KV }));
    verifiers.set(cacheKey, verifier);
    verifier.catch(() => verifiers.delete(cacheKey));
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
