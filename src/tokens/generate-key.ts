// Generates a private signing JWK with WebCrypto inside the worker (scheduled rotation).

import { bytesToBase64Url, randomBytes } from '../core/encoding';
import type { PrivateSigningJwk, SigningAlgorithm } from '../core/signing-keys';

const GENERATION_PARAMETERS: Record<SigningAlgorithm, Record<string, unknown> & { name: string }> = {
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};

/** A new private JWK for `alg` with a kid naming the algorithm and the creation date. */
export async function generatePrivateSigningJwk(alg: SigningAlgorithm, nowSeconds: number): Promise<PrivateSigningJwk> {
  const pair = (await crypto.subtle.generateKey(GENERATION_PARAMETERS[alg] as unknown as SubtleCryptoGenerateKeyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const exported = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey & Record<string, unknown>;
  const material = Object.fromEntries(Object.entries(exported).filter(([name]) => name !== 'key_ops' && name !== 'ext'));
  const date = new Date(nowSeconds * 1000).toISOString().slice(0, 10);
  const kid = `${alg.toLowerCase()}-${date}-${bytesToBase64Url(randomBytes(6))}`;
  return { ...material, kid, alg, kty: material.kty as PrivateSigningJwk['kty'] };
}
