// edge-auth/verify: verify edge-auth access tokens in another service (WebCrypto only, no D1, no Hono).

export { createVerifier, type RevocationStore, type Verifier, type VerifierOptions } from './verifier';
export { JwksUnavailableError, RevocationUnavailableError, TokenRejectedError, VerifierError, type VerifierErrorCode } from './errors';
export { DEFAULT_JWKS_CACHE_SECONDS, MAX_JWKS_CACHE_SECONDS, UNKNOWN_KID_REFETCH_INTERVAL_SECONDS } from './jwks-cache';
export { readBearerCredentials, type BearerCredentials } from '../http/bearer';
export type { AccessTokenClaims, TokenRejectionCode } from '../core/token-verification';
