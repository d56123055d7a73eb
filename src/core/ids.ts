// Identifiers and opaque tokens, each prefixed with the shard that owns it.

import { base64UrlToBytes, bytesToBase64Url, randomBytes } from './encoding';

/**
 * Every id and refresh token starts with a two-character shard name and a dot.
 * There is one database today ("00"); a later split routes by this prefix.
 */
export const DEFAULT_SHARD = '00';
const SHARD_PATTERN = /^([0-9a-z]{2})\./;

/** A new user id (128 random bits). */
export function newUserId(shard = DEFAULT_SHARD): string {
  return `${shard}.${bytesToBase64Url(randomBytes(16))}`;
}

/** A new session id (128 random bits). */
export function newSessionId(shard = DEFAULT_SHARD): string {
  return `${shard}.${bytesToBase64Url(randomBytes(16))}`;
}

/** A new linked-identity id on the shard of its user (128 random bits). */
export function newIdentityId(userId: string): string {
  return `${shardOf(userId) ?? DEFAULT_SHARD}.${bytesToBase64Url(randomBytes(16))}`;
}

/** Random bytes in every refresh token: 256 bits. */
const REFRESH_SECRET_BYTES = 32;
/** The session's reuse proof: the same in every token of one session, stored only as a hash. */
export const REUSE_PROOF_BYTES = 16;
const SESSION_ID_BYTES = 16;
const TOKEN_BYTES = SESSION_ID_BYTES + REUSE_PROOF_BYTES + REFRESH_SECRET_BYTES;

/** A new session's reuse proof (128 random bits, never stored in clear). */
export function newReuseProof(): Uint8Array {
  return randomBytes(REUSE_PROOF_BYTES);
}

/**
 * A new opaque refresh token of a session: the shard prefix, then base64url
 * of the session id's 128 bits, the session's reuse proof and 256 fresh
 * random bits. The session id lets a refresh reach its row by primary key;
 * only the 256 random bits make a token the current one.
 */
export function newRefreshToken(sessionId: string, reuseProof: Uint8Array): string {
  const sessionBytes = base64UrlToBytes(sessionId.slice(3));
  const shard = shardOf(sessionId);
  if (!shard || !sessionBytes || sessionBytes.length !== SESSION_ID_BYTES || reuseProof.length !== REUSE_PROOF_BYTES) {
    throw new Error('newRefreshToken needs a session id and a reuse proof');
  }
  const bytes = new Uint8Array(TOKEN_BYTES);
  bytes.set(sessionBytes, 0);
  bytes.set(reuseProof, SESSION_ID_BYTES);
  bytes.set(randomBytes(REFRESH_SECRET_BYTES), SESSION_ID_BYTES + REUSE_PROOF_BYTES);
  return `${shard}.${bytesToBase64Url(bytes)}`;
}

/** What a refresh token says about itself before any lookup. */
export type RefreshTokenShape =
  | { format: 'session'; sessionId: string; reuseProof: Uint8Array }
  /** Issued before migration 0005: 256 random bits, found through refresh_tokens. */
  | { format: 'legacy' };

/** The shape of a presented refresh token, or `null` when it is not one of ours. */
export function parseRefreshToken(value: string): RefreshTokenShape | null {
  if (/^[0-9a-z]{2}\.[A-Za-z0-9_-]{43}$/.test(value)) return { format: 'legacy' };
  if (!/^[0-9a-z]{2}\.[A-Za-z0-9_-]{86}$/.test(value)) return null;
  const bytes = base64UrlToBytes(value.slice(3));
  if (!bytes || bytes.length !== TOKEN_BYTES) return null;
  const sessionId = `${value.slice(0, 3)}${bytesToBase64Url(bytes.subarray(0, SESSION_ID_BYTES))}`;
  return { format: 'session', sessionId, reuseProof: bytes.slice(SESSION_ID_BYTES, SESSION_ID_BYTES + REUSE_PROOF_BYTES) };
}

/** The shard named by an id or token, or `null` when it has no valid prefix. */
export function shardOf(idOrToken: string): string | null {
  return SHARD_PATTERN.exec(idOrToken)?.[1] ?? null;
}

/** True for a string shaped like one of our refresh tokens (either format). */
export function looksLikeRefreshToken(value: string): boolean {
  return parseRefreshToken(value) !== null;
}
