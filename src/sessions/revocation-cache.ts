// An isolate's short memory of sessions it found not revoked, so a burst of requests reads KV once.

/** At most this many sessions are remembered; the oldest entry goes first. */
const MAX_REMEMBERED_SESSIONS = 10_000;

// sid -> until when (Unix seconds) "not revoked" may be assumed.
const notRevokedUntil = new Map<string, number>();
const stats = { hits: 0, misses: 0 };

/** Whether this isolate may still assume `sessionId` is not revoked (counts a hit or a miss). */
export function isKnownNotRevoked(sessionId: string, nowSeconds: number): boolean {
  const until = notRevokedUntil.get(sessionId);
  if (until !== undefined && until > nowSeconds) {
    stats.hits++;
    return true;
  }
  if (until !== undefined) notRevokedUntil.delete(sessionId);
  stats.misses++;
  return false;
}

/** Remembers, until `untilSeconds`, that KV said `sessionId` is not revoked. */
export function rememberNotRevoked(sessionId: string, untilSeconds: number): void {
  notRevokedUntil.delete(sessionId);
  if (notRevokedUntil.size >= MAX_REMEMBERED_SESSIONS) {
    const oldest = notRevokedUntil.keys().next().value;
    if (oldest !== undefined) notRevokedUntil.delete(oldest);
  }
  notRevokedUntil.set(sessionId, untilSeconds);
}

/** Forgets sessions at once: the isolate that revokes them refuses their tokens from now on. */
export function forgetNotRevoked(sessionIds: Iterable<string>): void {
  for (const sessionId of sessionIds) notRevokedUntil.delete(sessionId);
}

/** Hits and misses since the isolate started (the bench reports the ratio). */
export function revocationCacheStats(): { hits: number; misses: number; remembered: number } {
  return { ...stats, remembered: notRevokedUntil.size };
}
