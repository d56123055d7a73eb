// Generates private signing JWKs (EdDSA, ES256, RS256) with Node's WebCrypto.
import { webcrypto } from 'node:crypto';

const { subtle } = webcrypto;

const GENERATORS = {
  EdDSA: { algorithm: { name: 'Ed25519' } },
  ES256: { algorithm: { name: 'ECDSA', namedCurve: 'P-256' } },
  RS256: { algorithm: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } },
};

export const SUPPORTED_ALGORITHMS = Object.keys(GENERATORS);

/** A new private JWK for `alg`, with a `kid` naming its algorithm and creation date. */
export async function generateSigningJwk(alg = 'EdDSA') {
  const generator = GENERATORS[alg];
  if (!generator) throw new Error(`unsupported algorithm "${alg}" (use ${SUPPORTED_ALGORITHMS.join(', ')})`);
  const { privateKey } = await subtle.generateKey(generator.algorithm, true, ['sign', 'verify']);
  const jwk = await subtle.exportKey('jwk', privateKey);
  delete jwk.key_ops;
  delete jwk.ext;
  const random = Buffer.from(webcrypto.getRandomValues(new Uint8Array(6))).toString('base64url');
  const date = new Date().toISOString().slice(0, 10);
  return { kid: `${alg.toLowerCase()}-${date}-${random}`, ...jwk, alg };
}

/** Reads a private JWK Set `{"keys":[...]}` from JSON text; throws a sentence on anything else. */
export function parseKeySetText(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('the key set is not valid JSON (expected {"keys":[...]})');
  }
  if (!parsed || !Array.isArray(parsed.keys) || parsed.keys.some((key) => !key || typeof key.kid !== 'string')) {
    throw new Error('the key set must be {"keys":[...]} with a "kid" on every key');
  }
  return { keys: parsed.keys };
}

/** A copy of `set` with `jwk` first (it signs) or last (published only). */
export function addKeyToSet(set, jwk, position = 'back') {
  if (set.keys.some((key) => key.kid === jwk.kid)) throw new Error(`the key set already has kid "${jwk.kid}"`);
  return { keys: position === 'front' ? [jwk, ...set.keys] : [...set.keys, jwk] };
}

/** A copy of `set` with key `kid` moved to the front, so it signs. */
export function promoteKeyInSet(set, kid) {
  const key = set.keys.find((candidate) => candidate.kid === kid);
  if (!key) throw new Error(`the key set has no kid "${kid}"`);
  return { keys: [key, ...set.keys.filter((candidate) => candidate !== key)] };
}

/** A copy of `set` without key `kid`; the signing key (first) cannot be retired. */
export function retireKeyFromSet(set, kid) {
  const index = set.keys.findIndex((candidate) => candidate.kid === kid);
  if (index === -1) throw new Error(`the key set has no kid "${kid}"`);
  if (index === 0) throw new Error(`"${kid}" signs (it is first): promote another key before retiring it`);
  return { keys: set.keys.filter((_, i) => i !== index) };
}
