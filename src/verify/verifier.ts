// createVerifier: edge-auth's access-token rules applied against a JWKS, for other services.

import { MAX_ACCESS_TOKEN_TTL_SECONDS, verifyAccessTokenWithKeys } from '../tokens/access';
import type { AccessTokenClaims } from '../core/token-verification';
import { revocationKey } from '../core/revocation-key';
import { RevocationUnavailableError, TokenRejectedError } from './errors';
import { JwksCache, type JwksOrigin } from './jwks-cache';

/** The one method of a revocation store the verifier uses; a Workers `KVNamespace` fits. */
export interface RevocationStore {
  get(key: string): Promise<string | null>;
}

interface VerifierCommonOptions {
  /** The exact `iss` edge-auth signs with (its JWT_ISSUER). */
  issuer: string;
  /** The `aud` to require (edge-auth's JWT_AUDIENCE, `edge-auth` by default). */
  audience: string;
  /**
   * The longest access-token lifetime (`exp - iat`) to accept: set it to
   * edge-auth's ACCESS_TOKEN_TTL_SECONDS. Defaults to 86,400 s, the longest
   * edge-auth can issue; a token claiming more (plus 30 s skew) is refused.
   */
  maxTokenLifetimeSeconds?: number;
  /** edge-auth's KV namespace: a token of a revoked session is refused. */
  revocations?: RevocationStore;
  /** The fetch used for the JWKS (defaults to the global fetch). */
  fetch?: typeof fetch;
  /** Current time in milliseconds (defaults to `Date.now`); for tests. */
  now?: () => number;
}

/** Options of `createVerifier`: where the keys are, and what every token must say. */
export type VerifierOptions = VerifierCommonOptions & ({ jwksUrl: string | URL; jwks?: never } | { jwks: { keys: readonly unknown[] }; jwksUrl?: never });

/** Verifies edge-auth access tokens. */
export interface Verifier {
  /**
   * Resolves to the token's claims, or rejects with a `VerifierError`:
   * `TokenRejectedError` (answer 401) or `JwksUnavailableError` /
   * `RevocationUnavailableError` (answer 503).
   */
  verify(token: string): Promise<AccessTokenClaims>;
}

/**
 * Creates a verifier that applies exactly the rules edge-auth applies to its
 * own requests, with public keys from a JWKS URL (cached, honouring
 * `max-age`) or a JWKS object. Runs anywhere WebCrypto does.
 *
 * @example
 * const verifier = createVerifier({
 *   jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
 *   issuer: 'https://auth.example.com',
 *   audience: 'edge-auth',
 *   revocations: env.AUTH_KV,
 * });
 * const claims = await verifier.verify(token); // claims.sub, claims.sid, claims.roles
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const { issuer, audience, revocations } = options;
  if (typeof issuer !== 'string' || issuer === '') throw new TypeError('createVerifier needs an issuer');
  if (typeof audience !== 'string' || audience === '') throw new TypeError('createVerifier needs an audience');
  const maxLifetimeSeconds = options.maxTokenLifetimeSeconds ?? MAX_ACCESS_TOKEN_TTL_SECONDS;
  if (!Number.isSafeInteger(maxLifetimeSeconds) || maxLifetimeSeconds < 1) throw new TypeError('maxTokenLifetimeSeconds must be a positive whole number of seconds');
  const now = options.now ?? Date.now;
  const keys = new JwksCache(readJwksOrigin(options), { fetch: options.fetch, now });
  return {
    async verify(token) {
      if (typeof token !== 'string') throw new TokenRejectedError('ERR_TOKEN_MALFORMED', 'token is not a string');
      const result = await verifyAccessTokenWithKeys(token, keys, { issuer, audience, nowSeconds: Math.floor(now() / 1000), maxLifetimeSeconds });
      if (!result.valid) throw new TokenRejectedError(result.code, result.reason);
      if (revocations && (await isRevoked(revocations, result.claims.sid))) {
        throw new TokenRejectedError('ERR_TOKEN_REVOKED', 'session revoked');
      }
      return result.claims;
    },
  };
}

function readJwksOrigin(options: VerifierOptions): JwksOrigin {
  const hasUrl = options.jwksUrl !== undefined;
  const hasSet = options.jwks !== undefined;
  if (hasUrl === hasSet) throw new TypeError('createVerifier needs exactly one of jwksUrl or jwks');
  return options.jwksUrl !== undefined ? { jwksUrl: options.jwksUrl } : { jwks: options.jwks as { keys: readonly unknown[] } };
}

async function isRevoked(revocations: RevocationStore, sessionId: string): Promise<boolean> {
  try {
    return (await revocations.get(revocationKey(sessionId))) !== null;
  } catch (error) {
    throw new RevocationUnavailableError(`revocation check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
