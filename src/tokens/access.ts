// Access tokens (RFC 9068 JWTs): signing, the one set of verification rules, and the JWKS. jose is imported only here and in id-token.ts (providers' ID tokens), both under src/tokens/.

import { SignJWT, importJWK, jwtVerify, type JWTHeaderParameters } from 'jose';
import { toPublicJwk, type PublicSigningJwk, type SigningAlgorithm, type SigningKeySet } from '../core/signing-keys';
import {
  CLOCK_SKEW_SECONDS,
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  TokenRejection,
  readAccessTokenClaims,
  type AccessTokenRules,
  type AccessTokenVerification,
  type TokenRejectionCode,
  type VerificationKey,
  type VerificationKeySource,
} from '../core/token-verification';

export { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS };
export type { AccessTokenClaims, AccessTokenVerification } from '../core/token-verification';

/** The `typ` header of every access token we sign (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Longer tokens are refused before any parsing. */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

const FORBIDDEN_KEY_SOURCE_HEADERS = ['jku', 'x5u', 'x5c', 'jwk'] as const;
const FORBIDDEN_PAYLOAD_HEADERS = ['b64', 'zip'] as const;

/** What the service needs to sign: who, which session, and when. */
export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  email: string;
  roles: readonly string[];
  /** Whether the user's address is verified (`email_verified`); false when not given. */
  emailVerified?: boolean;
  /** When the session signed in (`auth_time`) and how (`amr`); omitted when not given. */
  authTime?: number;
  amr?: readonly string[];
  /** A token for an OAuth client (the token endpoint): `client_id` and `scope`, and no `roles` or `email`. */
  client?: { clientId: string; scope: string };
}

/** Options shared by signing and verification. */
export interface AccessTokenContext extends AccessTokenRules {
  keys: SigningKeySet;
}

interface ImportedKey extends VerificationKey {
  privateKey: CryptoKey;
}

interface ImportedKeySet {
  signing: ImportedKey;
  byKid: ReadonlyMap<string, ImportedKey>;
  algorithms: SigningAlgorithm[];
  publicJwks: PublicSigningJwk[];
}

// Keys are imported once per isolate and reused, keyed by the variable's text.
const importedKeySets = new Map<string, Promise<ImportedKeySet>>();

function importKeySet(keys: SigningKeySet): Promise<ImportedKeySet> {
  let pending = importedKeySets.get(keys.source);
  if (!pending) {
    pending = importAll(keys);
    importedKeySets.set(keys.source, pending);
    pending.catch(() => importedKeySets.delete(keys.source));
  }
  return pending;
}

async function importAll(keys: SigningKeySet): Promise<ImportedKeySet> {
  const imported = await Promise.all(
    keys.keys.map(async (jwk): Promise<ImportedKey> => {
      const [privateKey, verification] = await Promise.all([
        importJWK({ ...jwk, use: undefined, key_ops: undefined, ext: undefined }, jwk.alg),
        importVerificationKey(toPublicJwk(jwk)),
      ]);
      if (!(privateKey instanceof CryptoKey)) throw new Error(`signing key ${jwk.kid} did not import as a CryptoKey`);
      return { ...verification, privateKey };
    }),
  );
  const signing = imported[0];
  if (!signing) throw new Error('no signing key');
  return {
    signing,
    byKid: new Map(imported.map((key) => [key.kid, key])),
    algorithms: [...new Set(imported.map((key) => key.alg))],
    publicJwks: keys.keys.map(toPublicJwk),
  };
}

/** Imports one public JWK (already validated) as a key that verifies its `alg`. */
export async function importVerificationKey(jwk: PublicSigningJwk): Promise<VerificationKey> {
  const publicKey = await importJWK(jwk, jwk.alg);
  if (!(publicKey instanceof CryptoKey)) throw new Error(`key ${jwk.kid} did not import as a CryptoKey`);
  return { kid: jwk.kid, alg: jwk.alg, publicKey };
}

/** Imports the configured keys now, so the first request does not pay for it. */
export async function warmSigningKeys(keys: SigningKeySet): Promise<void> {
  await importKeySet(keys);
}

/**
 * Signs an access token with the first configured key.
 *
 * @example
 * const { token } = await signAccessToken(subject, { keys, issuer, audience, nowSeconds }, 900);
 */
export async function signAccessToken(
  subject: AccessTokenSubject,
  context: AccessTokenContext,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: number }> {
  const { signing } = await importKeySet(context.keys);
  const expiresAt = context.nowSeconds + ttlSeconds;
  // A client's token never carries roles: it must not pass requireRole, whatever the user may do.
  const identity = subject.client
    ? { client_id: subject.client.clientId, scope: subject.client.scope }
    : { roles: [...subject.roles], email: subject.email, email_verified: subject.emailVerified ?? false };
  const claims = {
    sid: subject.sessionId,
    ...identity,
    ...(subject.authTime === undefined ? {} : { auth_time: subject.authTime }),
    ...(subject.amr === undefined ? {} : { amr: [...subject.amr] }),
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(context.issuer)
    .setAudience(context.audience)
    .setSubject(subject.userId)
    .setJti(crypto.randomUUID())
    .setIssuedAt(context.nowSeconds)
    .setExpirationTime(expiresAt)
    .sign(signing.privateKey);
  return { token, expiresAt };
}

/** What an OpenID Connect ID token says (`typ: JWT`, `aud` = the client). */
export interface IdTokenClaims {
  userId: string;
  clientId: string;
  authTime: number;
  amr: readonly string[];
  sid: string;
  nonce?: string;
  email?: string;
  emailVerified?: boolean;
}

/** Signs an ID token with the same key as the access tokens. */
export async function signIdToken(subject: IdTokenClaims, context: Omit<AccessTokenContext, 'audience'>, ttlSeconds: number): Promise<string> {
  const { signing } = await importKeySet(context.keys);
  const claims = {
    auth_time: subject.authTime,
    amr: [...subject.amr],
    sid: subject.sid,
    ...(subject.nonce === undefined ? {} : { nonce: subject.nonce }),
    ...(subject.email === undefined ? {} : { email: subject.email, email_verified: subject.emailVerified ?? false }),
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
    .setIssuer(context.issuer)
    .setAudience(subject.clientId)
    .setSubject(subject.userId)
    .setIssuedAt(context.nowSeconds)
    .setExpirationTime(context.nowSeconds + ttlSeconds)
    .sign(signing.privateKey);
}

/**
 * Verifies an access token against the configured keys by the contract's rules.
 * Does not check revocation: that is the caller's single KV read.
 * Returns `{ valid: false, code, reason }` rather than throwing.
 */
export async function verifyAccessToken(token: string, context: AccessTokenContext): Promise<AccessTokenVerification> {
  const keySet = await importKeySet(context.keys);
  return verifyAccessTokenWithKeys(token, { algorithms: keySet.algorithms, findKey: (kid) => keySet.byKid.get(kid) }, context);
}

/**
 * The one implementation of the contract's verification rules, over any key
 * source (the worker's own keys, or a verifier's JWKS). Signature, `typ`,
 * `iss`, `aud`, `exp`/`nbf`/`iat` with 30 s skew, required claims, no `crit`,
 * no key named by the token. Does not check revocation. Returns a result for
 * every token; throws only what the key source throws (a JWKS outage).
 *
 * @example
 * const result = await verifyAccessTokenWithKeys(token, keySource, { issuer, audience, nowSeconds });
 * if (!result.valid) console.log(result.code);
 */
export async function verifyAccessTokenWithKeys(
  token: string,
  keySource: VerificationKeySource,
  rules: AccessTokenRules,
): Promise<AccessTokenVerification> {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) return { valid: false, code: 'ERR_TOKEN_MALFORMED', reason: 'token too long' };
  let usedKid = '';
  const keySourceFailure: { error?: unknown } = {};
  try {
    const { payload } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        const key = await selectVerificationKey(header, keySource, keySourceFailure);
        usedKid = key.kid;
        return key.publicKey;
      },
      {
        algorithms: [...keySource.algorithms],
        issuer: rules.issuer,
        audience: rules.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(rules.nowSeconds * 1000),
        requiredClaims: ['iss', 'aud', 'sub', 'sid', 'jti', 'exp', 'iat'],
      },
    );
    return { valid: true, claims: readAccessTokenClaims(payload, rules), kid: usedKid };
  } catch (error) {
    // A key source that cannot answer (JWKS down) is an outage, not a bad token.
    if ('error' in keySourceFailure) throw keySourceFailure.error;
    return { valid: false, ...describeFailure(error) };
  }
}

async function selectVerificationKey(
  header: JWTHeaderParameters,
  keySource: VerificationKeySource,
  keySourceFailure: { error?: unknown },
): Promise<VerificationKey> {
  for (const name of FORBIDDEN_KEY_SOURCE_HEADERS) {
    if (name in header) throw new TokenRejection('ERR_TOKEN_HEADER_REJECTED', `token names a key source in "${name}"`);
  }
  // We never sign an unencoded payload (RFC 7797) or a compressed one: either is a token we did not make.
  for (const name of FORBIDDEN_PAYLOAD_HEADERS) {
    if (name in header) throw new TokenRejection('ERR_TOKEN_HEADER_REJECTED', `token has a "${name}" header`);
  }
  if ('crit' in header) throw new TokenRejection('ERR_TOKEN_HEADER_REJECTED', 'token has a "crit" header');
  if (typeof header.kid !== 'string') throw new TokenRejection('ERR_TOKEN_HEADER_REJECTED', 'token has no kid');
  let key: VerificationKey | undefined;
  try {
    key = await keySource.findKey(header.kid);
  } catch (error) {
    keySourceFailure.error = error;
    throw error;
  }
  if (!key) throw new TokenRejection('ERR_TOKEN_KEY_UNKNOWN', 'unknown kid');
  if (header.alg !== key.alg) throw new TokenRejection('ERR_TOKEN_HEADER_REJECTED', 'alg does not match the key');
  return key;
}

const CODE_BY_JOSE_ERROR: Record<string, TokenRejectionCode> = {
  ERR_JWT_EXPIRED: 'ERR_TOKEN_EXPIRED',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'ERR_TOKEN_SIGNATURE_INVALID',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'ERR_TOKEN_CLAIM_INVALID',
  ERR_JOSE_ALG_NOT_ALLOWED: 'ERR_TOKEN_HEADER_REJECTED',
  ERR_JOSE_NOT_SUPPORTED: 'ERR_TOKEN_HEADER_REJECTED',
  ERR_JWS_INVALID: 'ERR_TOKEN_MALFORMED',
  ERR_JWT_INVALID: 'ERR_TOKEN_MALFORMED',
};

function describeFailure(error: unknown): { code: TokenRejectionCode; reason: string } {
  if (error instanceof TokenRejection) return { code: error.code, reason: error.message };
  if (!(error instanceof Error)) return { code: 'ERR_TOKEN_MALFORMED', reason: 'unknown verification failure' };
  const joseCode = (error as { code?: unknown }).code;
  if (typeof joseCode !== 'string') return { code: 'ERR_TOKEN_MALFORMED', reason: error.message };
  const claim = (error as { claim?: unknown }).claim;
  const code = claim === 'typ' ? 'ERR_TOKEN_HEADER_REJECTED' : (CODE_BY_JOSE_ERROR[joseCode] ?? 'ERR_TOKEN_MALFORMED');
  return { code, reason: `${joseCode}: ${error.message}` };
}

/** The public JWK Set to publish: every configured key, public members only. */
export async function getPublicJwks(keys: SigningKeySet): Promise<{ keys: PublicSigningJwk[] }> {
  const keySet = await importKeySet(keys);
  return { keys: keySet.publicJwks };
}
