// The isolate's memory of sessions found not revoked: how long it trusts it, and that a flag raised elsewhere is seen once it lapses.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { forgetNotRevoked, isKnownNotRevoked, rememberNotRevoked } from '../../src/sessions/revocation-cache';
import { flagSessionRevoked, isSessionRevoked } from '../../src/sessions/revocations';

const NOW = 1_800_000_000;

function freshSessionId(): string {
  return `00.cache-${crypto.randomUUID()}`;
}

describe('the not-revoked memory', () => {
  it('is trusted until, and not at, the second it was remembered until', () => {
    const sessionId = freshSessionId();
    rememberNotRevoked(sessionId, NOW + 10);
    expect(isKnownNotRevoked(sessionId, NOW + 9)).toBe(true);
    expect(isKnownNotRevoked(sessionId, NOW + 10)).toBe(false);
    expect(isKnownNotRevoked(sessionId, NOW + 9)).toBe(false);
  });

  it('forgets a session at once when told to', () => {
    const sessionId = freshSessionId();
    rememberNotRevoked(sessionId, NOW + 10);
    forgetNotRevoked([sessionId]);
    expect(isKnownNotRevoked(sessionId, NOW)).toBe(false);
  });
});

describe('isSessionRevoked with REVOCATION_CACHE_SECONDS', () => {
  it('sees a flag raised by another isolate once its cacheSeconds have passed, and not before', async () => {
    const sessionId = freshSessionId();
    const cache = (nowSeconds: number) => ({ cacheSeconds: 10, nowSeconds });
    expect(await isSessionRevoked(env.KV, sessionId, cache(NOW))).toBe(false);
    // Another isolate revokes: this one's memory does not know.
    await flagSessionRevoked(env.KV, sessionId, 60, NOW + 1);
    expect(await isSessionRevoked(env.KV, sessionId, cache(NOW + 9))).toBe(false);
    expect(await isSessionRevoked(env.KV, sessionId, cache(NOW + 10))).toBe(true);
  });

  it('never remembers with a cache time of 0: every call reads KV', async () => {
    const sessionId = freshSessionId();
    expect(await isSessionRevoked(env.KV, sessionId, { cacheSeconds: 0, nowSeconds: NOW })).toBe(false);
    await flagSessionRevoked(env.KV, sessionId, 60, NOW);
    expect(await isSessionRevoked(env.KV, sessionId, { cacheSeconds: 0, nowSeconds: NOW })).toBe(true);
  });
});
