// Seals secrets at rest (private signing JWKs, TOTP secrets) with AES-256-GCM under keys derived (HKDF-SHA-256) from KEY_ENCRYPTION_SECRET.

import { base64UrlToBytes, bytesToBase64Url, randomBytes, utf8 } from '../core/encoding';

const IV_BYTES = 12;
/** One derived key per use: a sealed value of one kind never opens as another. */
const HKDF_INFO = { signingKey: 'edge-auth signing-key sealing v1', totpSecret: 'edge-auth totp-secret sealing v1' } as const;
type SealingPurpose = keyof typeof HKDF_INFO;
const derivedKeys = new Map<string, Promise<CryptoKey>>();

function deriveSealingKey(secret: string, purpose: SealingPurpose): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let pending = derivedKeys.get(cacheKey);
  if (!pending) {
    pending = crypto.subtle
      .importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey'])
      .then((material) =>
        crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(HKDF_INFO[purpose]) }, material, { name: 'AES-GCM', length: 256 }, false, [
          'encrypt',
          'decrypt',
        ]),
      );
    derivedKeys.set(cacheKey, pending);
  }
  return pending;
}

/** AES-GCM with a fresh IV; `boundTo` is associated data, so the sealed value cannot be moved to another row. */
async function sealBytes(plaintext: Uint8Array, boundTo: string, secret: string, purpose: SealingPurpose): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const key = await deriveSealingKey(secret, purpose);
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(boundTo) }, key, plaintext);
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ciphertext), IV_BYTES);
  return bytesToBase64Url(sealed);
}

/** Opens what `sealBytes` sealed; throws when the secret, the binding or the bytes are wrong. */
async function openBytes(sealed: string, boundTo: string, secret: string, purpose: SealingPurpose): Promise<Uint8Array> {
  const bytes = base64UrlToBytes(sealed);
  if (!bytes || bytes.length <= IV_BYTES) throw new Error(`sealed ${purpose} is malformed`);
  const key = await deriveSealingKey(secret, purpose);
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES), additionalData: utf8(boundTo) }, key, bytes.slice(IV_BYTES)));
}

/** Encrypts a private JWK; the kid is bound as associated data so a sealed key cannot be moved to another row. */
export async function sealPrivateJwk(jwk: Record<string, unknown>, kid: string, secret: string): Promise<string> {
  return sealBytes(utf8(JSON.stringify(jwk)), kid, secret, 'signingKey');
}

/** Decrypts a sealed private JWK; throws when the secret, the kid or the bytes are wrong. */
export async function openPrivateJwk(sealed: string, kid: string, secret: string): Promise<Record<string, unknown>> {
  return JSON.parse(new TextDecoder().decode(await openBytes(sealed, kid, secret, 'signingKey'))) as Record<string, unknown>;
}

/** Encrypts a user's TOTP secret, bound to the user id. */
export async function sealTotpSecret(totpSecret: Uint8Array, userId: string, secret: string): Promise<string> {
  return sealBytes(totpSecret, userId, secret, 'totpSecret');
}

/** Decrypts a user's TOTP secret; throws when the secret, the user or the bytes are wrong. */
export async function openTotpSecret(sealed: string, userId: string, secret: string): Promise<Uint8Array> {
  return openBytes(sealed, userId, secret, 'totpSecret');
}
