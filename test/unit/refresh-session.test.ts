// refreshSession, rotateRefreshToken and the successor seal called directly with an injected time: the grace boundary, exactly one successor, a seal only the predecessor opens.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { refreshSession, type RefreshContext } from '../../src/auth/refresh';
import { AuthError } from '../../src/errors';
import { newRefreshToken } from '../../src/ids';
import { rotateRefreshToken } from '../../src/storage/refresh-tokens';
import { hashRefreshToken, sealSuccessor, unsealSuccessor } from '../../src/tokens/refresh';
import { createTestClient, signUpAndLogIn } from '../helpers/client';

const CLIENT = { ip: null, userAgent: 'unit test', country: null };

function contextAt(nowSeconds: number, graceSeconds: number): RefreshContext {
  return { env, nowSeconds, graceSeconds, revocation: { accessTokenTtlSeconds: 900 }, client: CLIENT, ipRateLimitPerMinute: 0 };
}

/** A live session from the real login route; returns its first refresh token and the login time. */
async function freshSession(): Promise<{ token: string; sessionId: string; loginSeconds: number }> {
  const client = createTestClient();
  const loginSeconds = Math.floor(client.clock.now() / 1000);
  const user = await signUpAndLogIn(client);
  return { token: user.refreshToken, sessionId: user.sessionId, loginSeconds };
}

async function refusal(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (error: unknown) => (error instanceof AuthError ? error.code : String(error)),
  );
}

describe('refreshSession and the grace window', () => {
  it.each([0, 7, 30])('with a %i-second window, answers a replay at exactly the window’s end with the same successor', async (graceSeconds) => {
    const { token, loginSeconds } = await freshSession();
    const rotatedAt = loginSeconds + 100;
    const rotated = await refreshSession(contextAt(rotatedAt, graceSeconds), token);
    const replay = await refreshSession(contextAt(rotatedAt + graceSeconds, graceSeconds), token);
    expect(replay.refreshToken).toBe(rotated.refreshToken);
  });

  it.each([0, 7, 30])('with a %i-second window, treats a replay one second later as reuse and ends the session', async (graceSeconds) => {
    const { token, sessionId, loginSeconds } = await freshSession();
    const rotatedAt = loginSeconds + 100;
    const rotated = await refreshSession(contextAt(rotatedAt, graceSeconds), token);
    expect(await refusal(refreshSession(contextAt(rotatedAt + graceSeconds + 1, graceSeconds), token))).toBe('invalid_refresh_token');
    expect(await refusal(refreshSession(contextAt(rotatedAt + graceSeconds + 2, graceSeconds), rotated.refreshToken))).toBe('invalid_refresh_token');
    const session = await env.DB.prepare('SELECT revoked_reason FROM sessions WHERE id = ?1').bind(sessionId).first<{ revoked_reason: string }>();
    expect(session?.revoked_reason).toBe('refresh_token_reused');
  });
});

describe('refreshSession and the end of the session', () => {
  it('answers a grace-window replay one second before the session ends, and refuses it at the very second it ends', async () => {
    const { token, loginSeconds } = await freshSession();
    // The test client signs in with the configured 30-day refresh lifetime.
    const sessionEndsAt = loginSeconds + 2_592_000;
    await refreshSession(contextAt(sessionEndsAt - 8, 10), token);
    await expect(refreshSession(contextAt(sessionEndsAt - 1, 10), token)).resolves.toMatchObject({ sessionExpiresAt: sessionEndsAt });
    expect(await refusal(refreshSession(contextAt(sessionEndsAt, 10), token))).toBe('invalid_refresh_token');
  });
});

describe('rotateRefreshToken', () => {
  it('lets exactly one of two rotations of the same token create a successor; the other learns the winner', async () => {
    const { token, sessionId, loginSeconds } = await freshSession();
    const presentedHash = await hashRefreshToken(token);
    const attempt = async () => {
      const successor = newRefreshToken();
      const successorHash = await hashRefreshToken(successor);
      const request = { presentedHash, sessionId, successorHash, successorSealed: await sealSuccessor(token, successor), expiresAt: loginSeconds + 3600, nowSeconds: loginSeconds + 5 };
      return { successor, successorHash, outcome: await rotateRefreshToken(env, request) };
    };
    const [first, second] = await Promise.all([attempt(), attempt()]);
    const outcomes = [first.outcome.outcome, second.outcome.outcome].sort();
    expect(outcomes).toEqual(['lost_race', 'rotated']);
    const winner = first.outcome.outcome === 'rotated' ? first : second;
    const loser = winner === first ? second : first;
    if (loser.outcome.outcome !== 'lost_race') throw new Error('expected a lost race');
    expect(await unsealSuccessor(token, loser.outcome.successorSealed)).toBe(winner.successor);
    const { results } = await env.DB.prepare('SELECT token_hash FROM refresh_tokens WHERE session_id = ?1').bind(sessionId).all<{ token_hash: string }>();
    expect(results.map((row) => row.token_hash).sort()).toEqual([presentedHash, winner.successorHash].sort());
  });

  it('never rotates a token a second time once it has a successor', async () => {
    const { token, sessionId, loginSeconds } = await freshSession();
    const presentedHash = await hashRefreshToken(token);
    const rotateAt = async (nowSeconds: number) => {
      const successor = newRefreshToken();
      const request = { presentedHash, sessionId, successorHash: await hashRefreshToken(successor), successorSealed: await sealSuccessor(token, successor), expiresAt: loginSeconds + 3600, nowSeconds };
      return rotateRefreshToken(env, request);
    };
    expect((await rotateAt(loginSeconds + 1)).outcome).toBe('rotated');
    const later = await rotateAt(loginSeconds + 2);
    expect(later).toMatchObject({ outcome: 'lost_race', rotatedAt: loginSeconds + 1 });
    const live = await env.DB.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?1 AND rotated_at IS NULL').bind(sessionId).first<{ n: number }>();
    expect(live?.n).toBe(1);
  });
});

describe('the sealed successor', () => {
  it('opens only with its own predecessor', async () => {
    const predecessor = newRefreshToken();
    const successor = newRefreshToken();
    const sealed = await sealSuccessor(predecessor, successor);
    expect(await unsealSuccessor(predecessor, sealed)).toBe(successor);
    expect(await unsealSuccessor(newRefreshToken(), sealed)).toBeNull();
    expect(sealed).not.toContain(successor.slice(3));
  });

  it.each(['', 'no-dot-at-all', '.', 'AAAA.', '.AAAA', '!!!!.????'])('answers null, never throws, for the malformed seal %j', async (sealed) => {
    await expect(unsealSuccessor(newRefreshToken(), sealed)).resolves.toBeNull();
  });
});
