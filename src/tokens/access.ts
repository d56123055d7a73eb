// Access tokens (RFC 9068 JWTs): signing, verification and the JWKS. The only importer of jose.

import { SignJWT, importJWK, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { toPublicJwk, type PublicSigningJwk, type SigningAlgorithm, type SigningKeySet } from './keys';

/** The `typ` header of every access token we sign (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Clock skew tolerated on `exp`, `nbf` and `iat`. */
export const CLOCK_SKEW_SECONDS = 30;
/** Longer tokens are refused before any parsing. */
export const MAX_ACCESS_TOKEN_LENGTH = 8192;

const FORBIDDEN_KEY_SOURCE_HEADERS = ['jku', 'x5u', 'x5c', 'jwk'] as const;

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
}

/** What the service needs to sign: who, which session, and when. */
export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  email: string;
  roles: readonly string[];
}

/** Options shared by signing and verification. */
export interface AccessTokenContext {
  keys: SigningKeySet;
  issuer: string;
  audience: string;
  nowSeconds: number;
}

/** Result of verification: the claims, or why the token is not valid (for the log only). */
export type AccessTokenVerification =
  | { valid: true; claims: AccessTokenClaims; kid: string }
  | { valid: false; reason: string };

interface ImportedKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
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
      const publicJwk = toPublicJwk(jwk);
      const [privateKey, publicKey] = await Promise.all([
        importJWK({ ...jwk, use: undefined, key_ops: undefined, ext: undefined }, jwk.alg),
        importJWK(publicJwk, jwk.alg),
      ]);
      if (!(privateKey instanceof CryptoKey) || !(publicKey instanceof CryptoKey)) {
        throw new Error(`signing key ${jwk.kid} did not import as a CryptoKey`);
      }
      return { kid: jwk.kid, alg: jwk.alg, privateKey, publicKey };
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
  const token = await new SignJWT({ sid: subject.sessionId, roles: [...subject.roles], email: subject.email })
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

/**
 * Verifies an access token's signature and claims by the contract's rules.
 * Does not check revocation: that is the caller's single KV read.
 * Returns `{ valid: false, reason }` rather than throwing.
 */
export async function verifyAccessToken(token: string, context: AccessTokenContext): Promise<AccessTokenVerification> {
  if (token.length > MAX_ACCESS_TOKEN_LENGTH) return { valid: false, reason: 'token too long' };
  const keySet = await importKeySet(context.keys);
  let usedKid = '';
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const key = selectVerificationKey(header, keySet);
        usedKid = key.kid;
        return key.publicKey;
      },
      {
        algorithms: keySet.algorithms,
        issuer: context.issuer,
        audience: context.audience,
        typ: ACCESS_TOKEN_TYPE,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(context.nowSeconds * 1000),
        requiredClaims: ['iss', 'aud', 'sub', 'sid', 'jti', 'exp', 'iat'],
      },
    );
    const claims = readClaims(payload, context.nowSeconds);
    if (typeof claims === 'string') return { valid: false, reason: claims };
    return { valid: true, claims, kid: usedKid };
  } catch (error) {
    return { valid: false, reason: describeFailure(error) };
  }
}

function selectVerificationKey(header: JWTHeaderParameters, keySet: ImportedKeySet): ImportedKey {
  for (const name of FORBIDDEN_KEY_SOURCE_HEADERS) {
    if (name in header) throw new Error(`token names a key source in "${name}"`);
  }
  if ('crit' in header) throw new Error('token has a "crit" header');
  if (typeof header.kid !== 'string') throw new Error('token has no kid');
  const key = keySet.byKid.get(header.kid);
  if (!key) throw new Error('unknown kid');
  if (header.alg !== key.alg) throw new Error('alg does not match the key');
  return key;
}

function readClaims(payload: JWTPayload, nowSeconds: number): AccessTokenClaims | string {
  const { iss, aud, sub, sid, jti, iat, exp, roles, email } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') return 'sub is not a string';
  if (typeof sid !== 'string' || sid === '') return 'sid is not a string';
  if (typeof jti !== 'string' || jti === '') return 'jti is not a string';
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'iat or exp missing';
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) return 'iat is in the future';
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) {
    return 'roles is not an array of strings';
  }
  return {
    iss: String(iss),
    aud: Array.isArray(aud) ? String(aud[0]) : String(aud),
    sub,
    sid,
    jti,
    iat,
    exp,
    roles: (roles as string[] | undefined) ?? [],
    email: typeof email === 'string' ? email : '',
  };
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return 'unknown verification failure';
}

/** The public JWK Set to publish: every configured key, public members only. */
export async function getPublicJwks(keys: SigningKeySet): Promise<{ keys: PublicSigningJwk[] }> {
  const keySet = await importKeySet(keys);
  return { keys: keySet.publicJwks };
}
