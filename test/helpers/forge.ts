// Builds forged JWTs for attack tests: any header, payload and signature, signed
// with configured keys, attacker keys or none. Imports nothing from src/, so any
// verifier (the worker's, or a standalone one) can run the same catalogue.

/** A JSON object used as a JWT header or payload. */
export type JsonObject = Record<string, unknown>;

/** A private JWK with `kid` and `alg`, as in JWT_SIGNING_KEYS. */
export interface ForgeSigningJwk extends JsonWebKey {
  kid: string;
  alg: string;
}

/** What a forged-token case starts from: a genuine token and the keys that made it. */
export interface ForgeContext {
  /** A valid access token the verifier accepts. */
  validToken: string;
  /** The configured private signing keys (the first one signs). */
  signingKeys: readonly ForgeSigningJwk[];
  /** "Now" as the verifier sees it, in seconds. */
  nowSeconds: number;
}

/** One named attack: build a token the verifier must refuse. */
export interface ForgedTokenCase {
  /** Which rule it attacks, e.g. "claims", "alg-none", "key-confusion". */
  group: string;
  name: string;
  /** Algorithms that must be among the configured keys for this case to apply (e.g. psychic ES256). */
  requires?: readonly string[];
  build(context: ForgeContext): Promise<string>;
}

const encoder = new TextEncoder();

/** Unpadded base64url of bytes. */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Unpadded base64url of a string's UTF-8 bytes (or of a value's JSON). */
export function encodeSegment(value: unknown): string {
  return base64Url(encoder.encode(typeof value === 'string' ? value : JSON.stringify(value)));
}

/** Decodes a base64url JSON segment. */
export function decodeSegment(segment: string): JsonObject {
  const padded = segment.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (segment.length % 4)) % 4);
  const binary = atob(padded);
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))) as JsonObject;
}

/** The decoded header and payload of a compact JWS. */
export function decodeToken(token: string): { header: JsonObject; payload: JsonObject; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return { header: decodeSegment(header), payload: decodeSegment(payload), signature };
}

/** `header.payload.signature` from parts; the signature is given as is. */
export function assembleToken(header: JsonObject | string, payload: JsonObject | string, signature = ''): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}.${signature}`;
}

interface SigningAlgorithm {
  importParams: SubtleCryptoImportKeyAlgorithm;
  signParams: SubtleCryptoSignAlgorithm;
}

const KEY_MATERIAL_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const PRIVATE_MEMBERS: ReadonlySet<string> = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);

/** Only the key material of a JWK (no kid, alg, use or key_ops), optionally without private members. */
function keyMaterial(jwk: JsonWebKey, publicOnly = false): JsonWebKey {
  const material: Record<string, unknown> = {};
  for (const member of KEY_MATERIAL_MEMBERS) {
    if (jwk[member] !== undefined && !(publicOnly && PRIVATE_MEMBERS.has(member))) material[member] = jwk[member];
  }
  return material as unknown as JsonWebKey;
}

/** WebCrypto parameters for each JWS algorithm a test may sign with. */
const ALGORITHMS: Record<string, SigningAlgorithm> = {
  EdDSA: { importParams: { name: 'Ed25519' }, signParams: { name: 'Ed25519' } },
  ES256: { importParams: { name: 'ECDSA', namedCurve: 'P-256' }, signParams: { name: 'ECDSA', hash: 'SHA-256' } },
  ES384: { importParams: { name: 'ECDSA', namedCurve: 'P-384' }, signParams: { name: 'ECDSA', hash: 'SHA-384' } },
  RS256: { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signParams: { name: 'RSASSA-PKCS1-v1_5' } },
  RS384: { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, signParams: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { importParams: { name: 'RSA-PSS', hash: 'SHA-256' }, signParams: { name: 'RSA-PSS', saltLength: 32 } },
};

/** Imports a private JWK for signing with `alg` (which may differ from the key's own `alg`). */
export async function importSigningKey(jwk: JsonWebKey, alg: string): Promise<CryptoKey> {
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) throw new Error(`forge: no WebCrypto mapping for ${alg}`);
  return crypto.subtle.importKey('jwk', keyMaterial(jwk), algorithm.importParams, false, ['sign']);
}

/** Signs `header.payload` with a private key under `alg` and returns the compact token. */
export async function signToken(header: JsonObject, payload: JsonObject, key: CryptoKey, alg = String(header.alg)): Promise<string> {
  return signSigningInput(`${encodeSegment(header)}.${encodeSegment(payload)}`, key, alg);
}

/** Signs an already-encoded `header.payload` string and appends the signature. */
export async function signSigningInput(signingInput: string, key: CryptoKey, alg: string): Promise<string> {
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) throw new Error(`forge: no WebCrypto mapping for ${alg}`);
  const signature = await crypto.subtle.sign(algorithm.signParams, key, encoder.encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

/** Signs with HMAC-SHA-256 under any secret bytes, including none (RFC 2104 pads keys with zeros). */
export async function signHs256(header: JsonObject, payload: JsonObject, secret: Uint8Array): Promise<string> {
  const keyBytes = secret.byteLength === 0 ? new Uint8Array(64) : secret;
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

/** A fresh attacker key pair for `alg`, with its public JWK. */
export async function generateAttackerKey(alg: 'EdDSA' | 'ES256' | 'ES384' | 'RS256' | 'PS256'): Promise<{ privateKey: CryptoKey; publicJwk: JsonWebKey }> {
  const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  const generate: Record<string, SubtleCryptoGenerateKeyAlgorithm> = {
    EdDSA: { name: 'Ed25519' },
    ES256: { name: 'ECDSA', namedCurve: 'P-256' },
    ES384: { name: 'ECDSA', namedCurve: 'P-384' },
    RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', ...rsa },
    PS256: { name: 'RSA-PSS', hash: 'SHA-256', ...rsa },
  };
  const pair = (await crypto.subtle.generateKey(generate[alg] as SubtleCryptoGenerateKeyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicJwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey;
  return { privateKey: pair.privateKey, publicJwk: { ...publicJwk, key_ops: undefined, ext: undefined } };
}

/** The public half of a configured key in four encodings an HS256 confusion attack might use. */
export async function publicKeyEncodings(jwk: ForgeSigningJwk): Promise<Record<'pem' | 'der' | 'jwk-json' | 'raw', Uint8Array>> {
  const algorithm = ALGORITHMS[jwk.alg];
  if (!algorithm) throw new Error(`forge: no WebCrypto mapping for ${jwk.alg}`);
  const material = keyMaterial(jwk, true);
  const publicJwk = { ...material, kid: jwk.kid, alg: jwk.alg };
  const publicKey = await crypto.subtle.importKey('jwk', material, algorithm.importParams, true, ['verify']);
  const der = new Uint8Array((await crypto.subtle.exportKey('spki', publicKey)) as ArrayBuffer);
  const pemBody = btoa(String.fromCharCode(...der)).replace(/.{64}/g, '$&\n');
  const pem = encoder.encode(`-----BEGIN PUBLIC KEY-----\n${pemBody}${pemBody.endsWith('\n') ? '' : '\n'}-----END PUBLIC KEY-----\n`);
  // "raw": the key bytes as a verifier library might hand them to HMAC by mistake.
  const raw = jwk.kty === 'RSA' ? der : new Uint8Array((await crypto.subtle.exportKey('raw', publicKey)) as ArrayBuffer);
  return { pem, der, 'jwk-json': encoder.encode(JSON.stringify(publicJwk)), raw };
}

/** The first configured key with this `alg`; throws when none is configured. */
export function configuredKey(context: ForgeContext, alg: string): ForgeSigningJwk {
  const key = context.signingKeys.find((candidate) => candidate.alg === alg);
  if (!key) throw new Error(`forge: no configured ${alg} key`);
  return key;
}

/**
 * Re-signs the valid token's claims with a configured key after changing the
 * header and payload: a genuine signature over claims the verifier must refuse.
 */
export async function resignWithConfiguredKey(
  context: ForgeContext,
  change: { header?: (header: JsonObject) => JsonObject; payload?: (payload: JsonObject) => JsonObject; alg?: string },
): Promise<string> {
  const { header, payload } = decodeToken(context.validToken);
  const alg = change.alg ?? String(header.alg);
  const key = configuredKey(context, alg);
  const newHeader = change.header ? change.header({ ...header, alg, kid: key.kid }) : { ...header, alg, kid: key.kid };
  const newPayload = change.payload ? change.payload({ ...payload }) : payload;
  return signToken(newHeader, newPayload, await importSigningKey(key, alg), alg);
}

/** Drops the named members of an object. */
export function without(object: JsonObject, ...names: string[]): JsonObject {
  const copy = { ...object };
  for (const name of names) delete copy[name];
  return copy;
}

export { FORGED_TOKEN_CASES, forgedTokenCasesFor } from './forged-token-cases';
