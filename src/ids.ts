// Identifiers and opaque tokens, each prefixed with the shard that owns it.

import { bytesToBase64Url, randomBytes } from './tokens/encoding';

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

/** A new opaque refresh token: 256 random bits, base64url. */
export function newRefreshToken(shard = DEFAULT_SHARD): string {
  return `${shard}.${bytesToBase64Url(randomBytes(32))}`;
}

/** The shard named by an id or token, or `null` when it has no valid prefix. */
export function shardOf(idOrToken: string): string | null {
  return SHARD_PATTERN.exec(idOrToken)?.[1] ?? null;
}

/** True for a string shaped like one of our refresh tokens. */
export function looksLikeRefreshToken(value: string): boolean {
  return /^[0-9a-z]{2}\.[A-Za-z0-9_-]{43}$/.test(value);
}
