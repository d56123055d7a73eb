// Builds JWTs by hand with WebCrypto (any header, any payload, any key) to forge tokens in tests.

import { bytesToBase64Url, utf8 } from '../../src/tokens/encoding';

/** A JSON object used as a JWT header or payload. */
export type JsonObject = Record<string, unknown>;

type AlgorithmParameters = { name: string } & Record<string, unknown>;

const SIGNATURE_PARAMETERS: Record<string, { import: AlgorithmParameters; sign: AlgorithmParameters }> = {
  EdDSA: { import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  ES256: { import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
  RS256: { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
};

/** base64url(JSON) of a header or payload. */
export function encodeJwtPart(part: JsonObject): string {
  return bytesToBase64Url(utf8(JSON.stringify(part)));
}

/** A JWT with the given header, payload and raw signature part (empty by default: `alg: none`). */
export function assembleJwt(header: JsonObject, payload: JsonObject, signature = ''): string {
  return `${encodeJwtPart(header)}.${encodeJwtPart(payload)}.${signature}`;
}

/**
 * Signs `header.payload` with a private JWK, using the algorithm of the JWK
 * (`signingAlg`), whatever the header claims. Lets tests sign a header that
 * lies about its `alg`, `kid` or `typ`.
 */
export async function signJwtWithJwk(header: JsonObject, payload: JsonObject, privateJwk: JsonObject & { alg: string }): Promise<string> {
  const parameters = SIGNATURE_PARAMETERS[privateJwk.alg];
  if (!parameters) throw new Error(`forge: unsupported alg ${privateJwk.alg}`);
  const jwkOnlyMembers = new Set(['kid', 'alg', 'use', 'key_ops', 'ext']);
  const material = Object.fromEntries(Object.entries(privateJwk).filter(([name]) => !jwkOnlyMembers.has(name)));
  const key = await crypto.subtle.importKey('jwk', material as unknown as JsonWebKey, parameters.import, false, ['sign']);
  const signingInput = `${encodeJwtPart(header)}.${encodeJwtPart(payload)}`;
  const signature = await crypto.subtle.sign(parameters.sign, key, utf8(signingInput));
  return `${signingInput}.${bytesToBase64Url(new Uint8Array(signature))}`;
}

/** Signs with HMAC-SHA-256 under `secret` (the classic "HS256 with the public key" forgery). */
export async function signJwtWithHmac(header: JsonObject, payload: JsonObject, secret: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signingInput = `${encodeJwtPart(header)}.${encodeJwtPart(payload)}`;
  const signature = await crypto.subtle.sign('HMAC', key, utf8(signingInput));
  return `${signingInput}.${bytesToBase64Url(new Uint8Array(signature))}`;
}

/** Replaces the payload of a signed token, keeping its header and signature. */
export function replaceJwtPayload(token: string, payload: JsonObject): string {
  const [header = '', , signature = ''] = token.split('.');
  return `${header}.${encodeJwtPart(payload)}.${signature}`;
}

/** Decodes the payload of a JWT without verifying it. */
export function decodeJwtPayload(token: string): JsonObject {
  const [, payload = ''] = token.split('.');
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as JsonObject;
}

/** A fresh private JWK for `alg`, with a `kid`: a key edge-auth never published. */
export async function generatePrivateJwk(alg: 'EdDSA' | 'ES256' | 'RS256', kid = `forged-${crypto.randomUUID()}`): Promise<JsonObject & { alg: string; kid: string }> {
  const parameters = SIGNATURE_PARAMETERS[alg];
  if (!parameters) throw new Error(`forge: unsupported alg ${alg}`);
  const generation =
    alg === 'RS256' ? { ...parameters.import, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } : parameters.import;
  const pair = (await crypto.subtle.generateKey(generation as SubtleCryptoGenerateKeyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return { ...(jwk as unknown as JsonObject), kid, alg };
}
