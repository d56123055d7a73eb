// A passkey's public key: from its COSE form (registration) to a stored JWK, and checking assertion signatures with WebCrypto.

import { COSEKeyType, coseAlgorithmEdDSA, coseAlgorithmES256, coseAlgorithmRS256, coseEllipticCurveEd25519, coseEllipticCurveP256, type COSEPublicKey } from '@oslojs/webauthn';
import { decodeHex } from '@oslojs/encoding';
import { bytesToBase64Url } from '../../core/encoding';

/** COSE algorithms we accept, in order of preference: EdDSA, ES256, RS256. */
export const SUPPORTED_COSE_ALGORITHMS: readonly number[] = [coseAlgorithmEdDSA, coseAlgorithmES256, coseAlgorithmRS256];

/** The smallest RSA modulus accepted, in bits. */
const MIN_RSA_MODULUS_BITS = 2048;

/** A credential public key as stored: its COSE algorithm and a public JWK. */
export interface StoredPublicKey {
  algorithm: number;
  jwk: JsonWebKey;
}

/**
 * The stored form of a COSE public key, or `null` when its algorithm is not
 * EdDSA (Ed25519), ES256 (P-256) or RS256 (at least 2048 bits), or its
 * parameters do not fit the algorithm.
 */
export function storedPublicKeyFromCose(key: COSEPublicKey): StoredPublicKey | null {
  try {
    if (!key.isAlgorithmDefined()) return null;
    const algorithm = key.algorithm();
    const type = key.type();
    if (algorithm === coseAlgorithmES256 && type === COSEKeyType.EC2) {
      const ec = key.ec2();
      if (ec.curve !== coseEllipticCurveP256) return null;
      return { algorithm, jwk: { kty: 'EC', crv: 'P-256', x: bigIntToBase64Url(ec.x, 32), y: bigIntToBase64Url(ec.y, 32) } };
    }
    if (algorithm === coseAlgorithmEdDSA && type === COSEKeyType.OKP) {
      const okp = key.okp();
      if (okp.curve !== coseEllipticCurveEd25519 || okp.x.byteLength !== 32) return null;
      return { algorithm, jwk: { kty: 'OKP', crv: 'Ed25519', x: bytesToBase64Url(okp.x) } };
    }
    if (algorithm === coseAlgorithmRS256 && type === COSEKeyType.RSA) {
      const rsa = key.rsa();
      if (rsa.n.toString(2).length < MIN_RSA_MODULUS_BITS) return null;
      return { algorithm, jwk: { kty: 'RSA', n: bigIntToBase64Url(rsa.n), e: bigIntToBase64Url(rsa.e) } };
    }
    return null;
  } catch {
    return null;
  }
}

/**
 * True when `signature` (as the authenticator sent it: DER for ES256) is a
 * valid signature of `message` under the stored key. Any malformed input is
 * `false`, never a throw.
 */
export async function verifyCredentialSignature(stored: StoredPublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    if (stored.algorithm === coseAlgorithmES256) {
      const raw = ecdsaDerToRaw(signature);
      if (raw === null) return false;
      const key = await crypto.subtle.importKey('jwk', stored.jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      return await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, message);
    }
    if (stored.algorithm === coseAlgorithmEdDSA) {
      const key = await crypto.subtle.importKey('jwk', stored.jwk, { name: 'Ed25519' }, false, ['verify']);
      return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
    }
    if (stored.algorithm === coseAlgorithmRS256) {
      const key = await crypto.subtle.importKey('jwk', stored.jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
      return await crypto.subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, key, signature, message);
    }
    return false;
  } catch {
    return false;
  }
}

/**
 * An ECDSA P-256 signature in DER (`SEQUENCE { INTEGER r, INTEGER s }`, as
 * WebAuthn sends it) as the 64 raw bytes r || s WebCrypto verifies; `null`
 * for anything that is not exactly such a structure.
 */
export function ecdsaDerToRaw(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const raw = new Uint8Array(64);
  let offset = 2;
  for (const half of [0, 1]) {
    if (der[offset] !== 0x02) return null;
    const length = der[offset + 1] ?? 0;
    const start = offset + 2;
    if (length === 0 || length > 33 || start + length > der.length) return null;
    let integer = der.subarray(start, start + length);
    // A leading zero only keeps the integer positive; more than 32 bytes after it is not a P-256 value.
    while (integer.length > 1 && integer[0] === 0) integer = integer.subarray(1);
    if (integer.length > 32) return null;
    raw.set(integer, half * 32 + (32 - integer.length));
    offset = start + length;
  }
  return offset === der.length ? raw : null;
}

function bigIntToBase64Url(value: bigint, width = 0): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // Left-padded with zero bytes to `width` when the number is shorter.
  return bytesToBase64Url(decodeHex(hex.padStart(width * 2, '0')));
}
