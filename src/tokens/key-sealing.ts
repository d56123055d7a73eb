// Seals private signing JWKs at rest with AES-256-GCM under a key derived (HKDF-SHA-256) from KEY_ENCRYPTION_SECRET.

import { base64UrlToBytes, bytesToBase64Url, randomBytes, utf8 } from './encoding';

const IV_BYTES = 12;
const HKDF_INFO = 'edge-auth signing-key sealing v1';
const derivedKeys = new Map<string, Promise<CryptoKey>>();

function deriveSealingKey(secret: string): Promise<CryptoKey> {
  let pending = derivedKeys.get(secret);
  if (!pending) {
    pending = crypto.subtle
      .importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey'])
      .then((material) =>
        crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(HKDF_INFO) }, material, { name: 'AES-GCM', length: 256 }, false, [
          'encrypt',
          'decrypt',
        ]),
      );
    derivedKeys.set(secret, pending);
  }
  return pending;
}

/** Encrypts a private JWK; the kid is bound as associated data so a sealed key cannot be moved to another row. */
export async function sealPrivateJwk(jwk: Record<string, unknown>, kid: string, secret: string): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const key = await deriveSealingKey(secret);
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(kid) }, key, utf8(JSON.stringify(jwk)));
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ciphertext), IV_BYTES);
  return bytesToBase64Url(sealed);
}

/** Decrypts a sealed private JWK; throws when the secret, the kid or the bytes are wrong. */
export async function openPrivateJwk(sealed: string, kid: string, secret: string): Promise<Record<string, unknown>> {
  const bytes = base64UrlToBytes(sealed);
  if (!bytes || bytes.length <= IV_BYTES) throw new Error(`sealed key ${kid} is malformed`);
  const key = await deriveSealingKey(secret);
  const plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES), additionalData: utf8(kid) }, key, bytes.slice(IV_BYTES));
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>;
}
