// KV revocation flags: one key per revoked session, read once per protected request.

import { runStorage } from '../storage/database';
import { isKnownNotRevoked, rememberNotRevoked } from './revocation-cache';
import { revocationKey } from '../core/revocation-key';

export { revocationKey };
/** KV refuses TTLs under 60 s. */
export const KV_MINIMUM_TTL_SECONDS = 60;

/**
 * How long a flag must live: past the last moment any access token of the
 * session can still verify (its lifetime plus the clock skew we allow).
 */
export function revocationFlagTtlSeconds(accessTokenTtlSeconds: number, clockSkewSeconds: number): number {
  return Math.max(KV_MINIMUM_TTL_SECONDS, accessTokenTtlSeconds + clockSkewSeconds);
}

/** Raises the revocation flag of a session. One KV write. */
export async function flagSessionRevoked(kv: KVNamespace, sessionId: string, ttlSeconds: number, revokedAtSeconds: number): Promise<void> {
  await runStorage('flag session revoked', () =>
    kv.put(revocationKey(sessionId), String(revokedAtSeconds), { expirationTtl: Math.max(KV_MINIMUM_TTL_SECONDS, ttlSeconds) }),
  );
}

/** How long an isolate may remember "not revoked" (REVOCATION_CACHE_SECONDS; 0 = never), at what time. */
export interface RevocationCacheSettings {
  cacheSeconds: number;
  nowSeconds: number;
}

/**
 * Whether a session's flag is raised. One KV read, or none while this
 * isolate remembers (for at most `cacheSeconds`) that KV said "not raised".
 * A raised flag is never cached: it is final.
 */
export async function isSessionRevoked(kv: KVNamespace, sessionId: string, cache: RevocationCacheSettings): Promise<boolean> {
  if (cache.cacheSeconds > 0 && isKnownNotRevoked(sessionId, cache.nowSeconds)) return false;
  const flag = await runStorage('read revocation flag', () => kv.get(revocationKey(sessionId)));
  if (flag === null && cache.cacheSeconds > 0) rememberNotRevoked(sessionId, cache.nowSeconds + cache.cacheSeconds);
  return flag !== null;
}

/** Whether a session's flag is raised, always from KV (one read): for writers deciding whether to raise it. */
export async function readRevocationFlag(kv: KVNamespace, sessionId: string): Promise<boolean> {
  const flag = await runStorage('read revocation flag', () => kv.get(revocationKey(sessionId)));
  return flag !== null;
}
