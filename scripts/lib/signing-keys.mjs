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
