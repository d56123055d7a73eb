// Refresh-token secrecy: the stored hash, and sealing a successor under its predecessor.

import { base64UrlToBytes, bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../core/encoding';

const SEAL_INFO = utf8('edge-auth refresh successor v1');
const SEAL_SALT = new Uint8Array(32);

/** SHA-256 of a refresh token, hex: the only form D1 ever stores. */
export async function hashRefreshToken(token: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(token))));
}

const REUSE_PROOF_LABEL = utf8('edge-auth reuse proof v1:');

/**
 * SHA-256 of a session's reuse proof (with its own label), hex: what D1
 * keeps to recognise any earlier token of the session as genuine.
 */
export async function hashReuseProof(reuseProof: Uint8Array): Promise<string> {
  const labelled = new Uint8Array(REUSE_PROOF_LABEL.length + reuseProof.length);
  labelled.set(REUSE_PROOF_LABEL, 0);
  labelled.set(reuseProof, REUSE_PROOF_LABEL.length);
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', labelled)));
}

async function sealingKey(predecessor: string): Promise<CryptoKey> {
  // HKDF with its own label: the stored SHA-256 hash cannot open the seal.
  const material = await crypto.subtle.importKey('raw', utf8(predecessor), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: SEAL_SALT, info: SEAL_INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * Encrypts `successor` under a key only the holder of `predecessor` can derive,
 * so a replay of `predecessor` in the grace window can recover it.
 */
export async function sealSuccessor(predecessor: string, successor: string): Promise<string> {
  const iv = randomBytes(12);
  const key = await sealingKey(predecessor);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, utf8(successor)));
  return `${bytesToBase64Url(iv)}.${bytesToBase64Url(sealed)}`;
}

/** Opens a sealed successor with its predecessor; `null` if it does not open. */
export async function unsealSuccessor(predecessor: string, sealed: string): Promise<string | null> {
  const [ivText, bodyText] = sealed.split('.');
  const iv = ivText === undefined ? null : base64UrlToBytes(ivText);
  const body = bodyText === undefined ? null : base64UrlToBytes(bodyText);
  if (!iv || !body) return null;
  try {
    const key = await sealingKey(predecessor);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, body);
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
