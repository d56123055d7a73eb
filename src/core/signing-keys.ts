// Parses JWT_SIGNING_KEYS (a private JWK Set) and derives the public JWKS from it.

import { ConfigError } from './errors';

/** Signature algorithms a signing key may use; each key has exactly one. */
export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];

/** A validated private JWK with its `kid` and `alg`. */
export interface PrivateSigningJwk {
  kid: string;
  alg: SigningAlgorithm;
  kty: 'OKP' | 'EC' | 'RSA';
  [member: string]: unknown;
}

/** A public JWK as published at `/.well-known/jwks.json`. */
export interface PublicSigningJwk {
  kid: string;
  alg: SigningAlgorithm;
  kty: string;
  use: 'sig';
  [member: string]: string;
}

/** The configured keys: the first one signs, all of them verify. */
export interface SigningKeySet {
  /** The variable's text, used as the cache key for imported keys. */
  source: string;
  keys: readonly PrivateSigningJwk[];
}

const PUBLIC_MEMBERS: Record<PrivateSigningJwk['kty'], readonly string[]> = {
  OKP: ['crv', 'x'],
  EC: ['crv', 'x', 'y'],
  RSA: ['n', 'e'],
};

const KEY_TYPE_BY_ALG: Record<SigningAlgorithm, { kty: PrivateSigningJwk['kty']; crv?: string }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
  RS256: { kty: 'RSA' },
};

const KID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
const VARIABLE = 'JWT_SIGNING_KEYS';

/**
 * Parses a JWK Set of private signing keys. Throws a ConfigError naming
 * JWT_SIGNING_KEYS for anything that is not a usable key set.
 */
export function parseSigningKeySet(source: string): SigningKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    throw new ConfigError(VARIABLE, 'is not valid JSON (expected {"keys":[...]})');
  }
  const keys = isRecord(parsed) ? parsed.keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError(VARIABLE, 'must be a JWK Set with at least one key in "keys"');
  }
  const seenKids = new Set<string>();
  const validated = keys.map((key, index) => {
    const jwk = validatePrivateJwk(key, index);
    if (seenKids.has(jwk.kid)) throw new ConfigError(VARIABLE, `has two keys with kid "${jwk.kid}"`);
    seenKids.add(jwk.kid);
    return jwk;
  });
  return { source, keys: validated };
}

function validatePrivateJwk(key: unknown, index: number): PrivateSigningJwk {
  const shape = checkKeyShape(key, `key ${index}`);
  if (typeof shape === 'string') throw new ConfigError(VARIABLE, shape);
  const { d } = shape.key;
  if (typeof d !== 'string' || d.length === 0) {
    throw new ConfigError(VARIABLE, `key "${shape.kid}" is not a private key (no "d")`);
  }
  return { ...shape.key, kid: shape.kid, alg: shape.alg, kty: shape.kty };
}

/**
 * Reads one key of a published JWK Set. Returns the clean public JWK, or a
 * sentence saying why the key cannot verify our tokens.
 */
export function parsePublicSigningJwk(key: unknown, where: string): PublicSigningJwk | string {
  const shape = checkKeyShape(key, where);
  if (typeof shape === 'string') return shape;
  if (shape.key.use !== undefined && shape.key.use !== 'sig') return `key "${shape.kid}" is not for signatures`;
  return toPublicJwk({ ...shape.key, kid: shape.kid, alg: shape.alg, kty: shape.kty });
}

/** The checks a private and a public key share: kid, one supported alg, a matching key type. */
function checkKeyShape(
  key: unknown,
  where: string,
): { key: Record<string, unknown>; kid: string; alg: SigningAlgorithm; kty: PrivateSigningJwk['kty'] } | string {
  if (!isRecord(key)) return `${where} is not a JSON object`;
  const { kid, alg, kty, crv } = key;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
    return `${where} needs a "kid" of 1-128 letters, digits, ".", "_" or "-"`;
  }
  if (typeof alg !== 'string' || !SIGNING_ALGORITHMS.includes(alg as SigningAlgorithm)) {
    return `key "${kid}" needs "alg" set to EdDSA, ES256 or RS256`;
  }
  const expected = KEY_TYPE_BY_ALG[alg as SigningAlgorithm];
  if (kty !== expected.kty || (expected.crv !== undefined && crv !== expected.crv)) {
    return `key "${kid}" is not a ${expected.kty}${expected.crv ? ` ${expected.crv}` : ''} key as ${alg} requires`;
  }
  for (const member of PUBLIC_MEMBERS[expected.kty]) {
    if (typeof key[member] !== 'string') return `key "${kid}" lacks "${member}"`;
  }
  return { key, kid, alg: alg as SigningAlgorithm, kty: expected.kty };
}

/** The public half of a private JWK, with `use: "sig"`. */
export function toPublicJwk(key: PrivateSigningJwk): PublicSigningJwk {
  const publicJwk: PublicSigningJwk = { kty: key.kty, kid: key.kid, alg: key.alg, use: 'sig' };
  for (const member of PUBLIC_MEMBERS[key.kty]) publicJwk[member] = String(key[member]);
  return publicJwk;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
