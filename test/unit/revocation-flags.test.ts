// KV revocation flags: how long they live, and that they are read back.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../../src/tokens/access';
import { flagSessionRevoked, isSessionRevoked, KV_MINIMUM_TTL_SECONDS, revocationFlagTtlSeconds, revocationKey } from '../../src/sessions/revocations';

/** Every read goes to KV: no isolate cache. */
const NO_CACHE = { cacheSeconds: 0, nowSeconds: 1_700_000_000 };

async function secondsUntilExpiry(sessionId: string): Promise<number> {
  const listed = await env.KV.list({ prefix: revocationKey(sessionId) });
  const expiration = listed.keys[0]?.expiration;
  if (expiration === undefined) throw new Error('the flag has no expiration');
  // KV expires keys on the real clock.
  return expiration - Math.floor(Date.now() / 1000);
}

describe('revocation flag lifetime', () => {
  it('lives for the access-token lifetime plus the clock skew', () => {
    expect(revocationFlagTtlSeconds(900, 30)).toBe(930);
    expect(revocationFlagTtlSeconds(3600, CLOCK_SKEW_SECONDS)).toBe(3600 + CLOCK_SKEW_SECONDS);
  });

  it('never asks KV for less than its 60-second minimum', () => {
    expect(revocationFlagTtlSeconds(10, 5)).toBe(KV_MINIMUM_TTL_SECONDS);
    expect(KV_MINIMUM_TTL_SECONDS).toBe(60);
  });

  it('writes the flag with the lifetime revocation uses (the access-token ceiling plus the skew), and reads it back as revoked', async () => {
    const sessionId = `00.flag-${crypto.randomUUID()}`;
    expect(await isSessionRevoked(env.KV, sessionId, NO_CACHE)).toBe(false);
    const lifetime = revocationFlagTtlSeconds(MAX_ACCESS_TOKEN_TTL_SECONDS, CLOCK_SKEW_SECONDS);
    expect(lifetime).toBe(86_400 + CLOCK_SKEW_SECONDS);
    await flagSessionRevoked(env.KV, sessionId, lifetime, 1_700_000_000);
    expect(await isSessionRevoked(env.KV, sessionId, NO_CACHE)).toBe(true);
    const remaining = await secondsUntilExpiry(sessionId);
    expect(remaining).toBeGreaterThanOrEqual(lifetime - 2);
    expect(remaining).toBeLessThanOrEqual(lifetime + 1);
  });

  it('raises a too-short lifetime to the KV minimum instead of failing', async () => {
    const sessionId = `00.flag-${crypto.randomUUID()}`;
    await flagSessionRevoked(env.KV, sessionId, 5, 1_700_000_000);
    const remaining = await secondsUntilExpiry(sessionId);
    expect(remaining).toBeGreaterThanOrEqual(58);
    expect(remaining).toBeLessThanOrEqual(61);
  });
});
