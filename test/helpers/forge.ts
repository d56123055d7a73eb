// Builds JWTs by hand for attack tests (any header, payload, key or signature) and imports nothing from src/, so it never shares a bug with the verifier under test.

/** A JSON object used as a JWT header or payload. */
export type JsonObject = Record<string, unknown>;

/** A JWS algorithm the forge can sign with or generate a key for. */
export type ForgeAlgorithm = 'EdDSA' | 'ES256' | 'ES384' | 'RS256' | 'RS384' | 'PS256';

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

/** One named token built from a context: a forgery to refuse or a genuine control to accept. */
export interface TokenCase {
  name: string;
  /** Algorithms that must be among the configured keys for this case to apply (e.g. psychic ES256). */
  requires?: readonly string[];
  build(context: ForgeContext): Promise<string>;
}

/** One named attack: build a token the verifier must refuse. */
export interface ForgedTokenCase extends TokenCase {
  /** Which rule it attacks, e.g. "claims", "alg-none", "key-confusion". */
  group: string;
}

/** The cases whose required algorithms are all among these configured keys. */
export function casesForKeys<Case extends TokenCase>(cases: readonly Case[], signingKeys: readonly { alg: string }[]): readonly Case[] {
  const configured = new Set(signingKeys.map((key) => key.alg));
  return cases.filter((candidate) => (candidate.requires ?? []).every((alg) => configured.has(alg)));
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

/** The decoded header and payload of a compact JWS (not verified), and its raw signature segment. */
export function decodeToken(token: string): { header: JsonObject; payload: JsonObject; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return { header: decodeSegment(header), payload: decodeSegment(payload), signature };
}

/** `header.payload.signature` from parts; the signature is given as is (empty by default, as for `alg: none`). */
export function assembleToken(header: JsonObject | string, payload: JsonObject | string, signature = ''): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}.${signature}`;
}

/** The token with its payload swapped for `payload`, keeping the original header and signature. */
export function replaceTokenPayload(token: string, payload: JsonObject): string {
  const [header = '', , signature = ''] = token.split('.');
  return `${header}.${encodeSegment(payload)}.${signature}`;
}

interface SigningAlgorithm {
  importParams: SubtleCryptoImportKeyAlgorithm;
  signParams: SubtleCryptoSignAlgorithm;
}

const RSA_GENERATION = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };

/** WebCrypto parameters for each JWS algorithm a test may sign with. */
const ALGORITHMS: Record<ForgeAlgorithm, SigningAlgorithm> = {
  EdDSA: { importParams: { name: 'Ed25519' }, signParams: { name: 'Ed25519' } },
  ES256: { importParams: { name: 'ECDSA', namedCurve: 'P-256' }, signParams: { name: 'ECDSA', hash: 'SHA-256' } },
  ES384: { importParams: { name: 'ECDSA', namedCurve: 'P-384' }, signParams: { name: 'ECDSA', hash: 'SHA-384' } },
  RS256: { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signParams: { name: 'RSASSA-PKCS1-v1_5' } },
  RS384: { importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, signParams: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { importParams: { name: 'RSA-PSS', hash: 'SHA-256' }, signParams: { name: 'RSA-PSS', saltLength: 32 } },
};

function algorithmFor(alg: string): SigningAlgorithm {
  const algorithm = ALGORITHMS[alg as ForgeAlgorithm] as SigningAlgorithm | undefined;
  if (!algorithm) throw new Error(`forge: no WebCrypto mapping for ${alg}`);
  return algorithm;
}

const KEY_MATERIAL_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const PRIVATE_MEMBERS: ReadonlySet<string> = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);

/** Only the key material of a JWK (no kid, alg, use, key_ops or ext), optionally without private members. */
function keyMaterial(jwk: JsonWebKey, publicOnly = false): JsonWebKey {
  const material: Record<string, unknown> = {};
  for (const member of KEY_MATERIAL_MEMBERS) {
    if (jwk[member] !== undefined && !(publicOnly && PRIVATE_MEMBERS.has(member))) material[member] = jwk[member];
  }
  return material as unknown as JsonWebKey;
}

/** The public half of a private JWK, with its `kid` and `alg`. */
export function publicJwkOf(jwk: ForgeSigningJwk): ForgeSigningJwk {
  return { ...keyMaterial(jwk, true), kid: jwk.kid, alg: jwk.alg };
}

/** Signs an already-encoded `header.payload` string with a private JWK under `alg` and appends the signature. */
export async function signSigningInput(signingInput: string, jwk: JsonWebKey, alg: string): Promise<string> {
  const algorithm = algorithmFor(alg);
  const key = await crypto.subtle.importKey('jwk', keyMaterial(jwk), algorithm.importParams, false, ['sign']);
  const signature = await crypto.subtle.sign(algorithm.signParams, key, encoder.encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

/**
 * Signs `header.payload` with a private JWK under `alg` (the JWK's own `alg`
 * by default), whatever the header claims: the header may lie about its
 * `alg`, `kid` or `typ`.
 */
export async function signWithJwk(header: JsonObject, payload: JsonObject, jwk: JsonWebKey & { alg: string }, alg: string = jwk.alg): Promise<string> {
  return signSigningInput(`${encodeSegment(header)}.${encodeSegment(payload)}`, jwk, alg);
}

/** Signs with HMAC-SHA-256 under any secret bytes, including none (RFC 2104 pads keys with zeros). */
export async function signHs256(header: JsonObject, payload: JsonObject, secret: Uint8Array): Promise<string> {
  const keyBytes = secret.byteLength === 0 ? new Uint8Array(64) : secret;
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(signingInput));
  return `${signingInput}.${base64Url(new Uint8Array(signature))}`;
}

/** A fresh private JWK for `alg` with a `kid` (random by default): a key edge-auth never published unless a test deploys it. */
export async function generateSigningJwk(alg: Exclude<ForgeAlgorithm, 'RS384'>, kid = `forged-${crypto.randomUUID()}`): Promise<ForgeSigningJwk> {
  const { importParams } = algorithmFor(alg);
  const generation = importParams.name === 'RSASSA-PKCS1-v1_5' || importParams.name === 'RSA-PSS' ? { ...importParams, ...RSA_GENERATION } : importParams;
  const pair = (await crypto.subtle.generateKey(generation as SubtleCryptoGenerateKeyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  return { ...keyMaterial(jwk), kid, alg };
}

/** The public half of a configured key in four encodings an HS256 confusion attack might use. */
export async function publicKeyEncodings(jwk: ForgeSigningJwk): Promise<Record<'pem' | 'der' | 'jwk-json' | 'raw', Uint8Array>> {
  const algorithm = algorithmFor(jwk.alg);
  const publicKey = await crypto.subtle.importKey('jwk', keyMaterial(jwk, true), algorithm.importParams, true, ['verify']);
  const der = new Uint8Array((await crypto.subtle.exportKey('spki', publicKey)) as ArrayBuffer);
  const pemBody = btoa(String.fromCharCode(...der)).replace(/.{64}/g, '$&\n');
  const pem = encoder.encode(`-----BEGIN PUBLIC KEY-----\n${pemBody}${pemBody.endsWith('\n') ? '' : '\n'}-----END PUBLIC KEY-----\n`);
  // "raw": the key bytes as a verifier library might hand them to HMAC by mistake.
  const raw = jwk.kty === 'RSA' ? der : new Uint8Array((await crypto.subtle.exportKey('raw', publicKey)) as ArrayBuffer);
  return { pem, der, 'jwk-json': encoder.encode(JSON.stringify(publicJwkOf(jwk))), raw };
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
  return signWithJwk(newHeader, newPayload, key, alg);
}

/** Drops the named members of an object. */
export function without(object: JsonObject, ...names: string[]): JsonObject {
  const copy = { ...object };
  for (const name of names) delete copy[name];
  return copy;
}

export { FORGED_TOKEN_CASES, forgedTokenCasesFor } from './forged-token-cases';
export { GENUINE_TOKEN_CASES, genuineTokenCasesFor } from './genuine-token-cases';
