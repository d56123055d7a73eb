// Typed errors of the verifier, each with a stable `code` (jose style).

import type { TokenRejectionCode } from '../core/token-verification';

/** Every code a verifier error may carry. */
export type VerifierErrorCode = TokenRejectionCode | 'ERR_JWKS_UNAVAILABLE' | 'ERR_REVOCATION_UNAVAILABLE';

/** Base class: catch this to handle every verifier failure; branch on `code`. */
export class VerifierError extends Error {
  readonly code: VerifierErrorCode;

  constructor(code: VerifierErrorCode, message: string) {
    super(message);
    this.name = this.constructor.name;
    this.code = code;
  }
}

/**
 * The token is not acceptable: bad signature, wrong claims, expired, revoked.
 * Answer 401 `invalid_token`. The message says why, for logs; it never holds the token.
 */
export class TokenRejectedError extends VerifierError {
  declare readonly code: TokenRejectionCode;

  constructor(code: TokenRejectionCode, reason: string) {
    super(code, reason);
  }
}

/** The JWKS could not be fetched or read, so no key was available. Answer 503, not 401. */
export class JwksUnavailableError extends VerifierError {
  constructor(reason: string) {
    super('ERR_JWKS_UNAVAILABLE', reason);
  }
}

/** The revocation store did not answer; the verifier fails closed. Answer 503, not 401. */
export class RevocationUnavailableError extends VerifierError {
  constructor(reason: string) {
    super('ERR_REVOCATION_UNAVAILABLE', reason);
  }
}
