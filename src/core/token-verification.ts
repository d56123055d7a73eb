// What access-token verification answers, and the stable codes for why a token was refused (jose-free).

import type { SigningAlgorithm } from './signing-keys';

/** Clock skew tolerated on `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 30;
/**
 * The longest access-token lifetime edge-auth can ever issue (the ceiling of
 * ACCESS_TOKEN_TTL_SECONDS). A token claiming more was not made by us.
 */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 86_400;

/** Why a token was refused: stable codes, safe to branch on and to log. */
export type TokenRejectionCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_HEADER_REJECTED'
  | 'ERR_TOKEN_KEY_UNKNOWN'
  | 'ERR_TOKEN_SIGNATURE_INVALID'
  | 'ERR_TOKEN_CLAIM_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_REVOKED';

/** The claims edge-auth puts in an access token. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  roles: string[];
  email: string;
  email_verified: boolean;
  /** When the session signed in; absent on tokens issued before the claim existed. */
  auth_time?: number;
  amr?: string[];
}

/** Result of verification: the claims, or why the token is not valid (never the token itself). */
export type AccessTokenVerification =
  | { valid: true; claims: AccessTokenClaims; kid: string }
  | { valid: false; code: TokenRejectionCode; reason: string };

/** A public key that verifies tokens carrying its `kid`, for its one algorithm. */
export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  publicKey: CryptoKey;
}

/**
 * Where verification keys come from: the worker's configured keys, or a
 * JWKS fetched by a verifier. Never the token itself.
 */
export interface VerificationKeySource {
  /** Algorithms a token header may name. */
  algorithms: readonly SigningAlgorithm[];
  /** The key with this `kid`, or `undefined` when none is known. */
  findKey(kid: string): VerificationKey | undefined | Promise<VerificationKey | undefined>;
}

/** The expectations every accepted token must meet. */
export interface AccessTokenRules {
  issuer: string;
  audience: string;
  nowSeconds: number;
  /**
   * The longest lifetime (`exp - iat`) a genuine token can have; longer ones
   * are refused (with `CLOCK_SKEW_SECONDS` of slack). Defaults to
   * `MAX_ACCESS_TOKEN_TTL_SECONDS`; the worker passes its ACCESS_TOKEN_TTL_SECONDS.
   */
  maxLifetimeSeconds?: number;
}

/** Thrown inside verification to refuse a token with a code; turned into a result, never escapes. */
export class TokenRejection extends Error {
  readonly code: TokenRejectionCode;

  constructor(code: TokenRejectionCode, reason: string) {
    super(reason);
    this.name = this.constructor.name;
    this.code = code;
  }
}

/**
 * Checks the claims jose does not: non-empty `sub`, `sid` and `jti`, `iat` not in
 * the future, `roles` an array of strings. Returns the typed claims.
 */
export function readAccessTokenClaims(payload: Record<string, unknown>, rules: AccessTokenRules): AccessTokenClaims {
  const { iss, aud, sub, sid, jti, iat, exp, roles, email, email_verified: emailVerified, auth_time: authTime, amr } = payload;
  const claimInvalid = (reason: string) => new TokenRejection('ERR_TOKEN_CLAIM_INVALID', reason);
  if (typeof sub !== 'string' || sub === '') throw claimInvalid('sub is not a string');
  if (typeof sid !== 'string' || sid === '') throw claimInvalid('sid is not a string');
  if (typeof jti !== 'string' || jti === '') throw claimInvalid('jti is not a string');
  if (typeof iat !== 'number' || typeof exp !== 'number') throw claimInvalid('iat or exp missing');
  if (iat > rules.nowSeconds + CLOCK_SKEW_SECONDS) throw claimInvalid('iat is in the future');
  if (exp - iat > (rules.maxLifetimeSeconds ?? MAX_ACCESS_TOKEN_TTL_SECONDS) + CLOCK_SKEW_SECONDS) throw claimInvalid('lifetime (exp - iat) longer than any token we issue');
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) {
    throw claimInvalid('roles is not an array of strings');
  }
  return {
    iss: String(iss),
    // jose has checked that `aud` is ours, alone or in an array.
    aud: Array.isArray(aud) ? rules.audience : String(aud),
    sub,
    sid,
    jti,
    iat,
    exp,
    roles: (roles as string[] | undefined) ?? [],
    email: typeof email === 'string' ? email : '',
    email_verified: emailVerified === true,
    ...(typeof authTime === 'number' ? { auth_time: authTime } : {}),
    ...(Array.isArray(amr) && amr.every((method) => typeof method === 'string') ? { amr: amr as string[] } : {}),
  };
}
