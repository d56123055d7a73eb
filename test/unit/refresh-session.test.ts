// refreshSession, rotateRefreshToken and the successor seal called directly with an injected time: the grace boundary, exactly one successor per session row, a seal only the predecessor opens.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { refreshSession, type RefreshContext } from '../../src/sessions/refresh';
import { AuthError } from '../../src/core/errors';
import { newRefreshToken, newReuseProof, newSessionId, parseRefreshToken } from '../../src/core/ids';
import { rotateRefreshToken, type RefreshState } from '../../src/sessions/refresh-token-rows';
import { hashRefreshToken, hashReuseProof, sealSuccessor, unsealSuccessor } from '../../src/sessions/refresh-secrets';
import { createTestClient, signUpAndLogIn } from '../helpers/client';
import { databaseForKey } from '../../src/storage/database';

const CLIENT = { ip: null, userAgent: 'unit test', country: null };

function contextAt(nowSeconds: number, graceSeconds: number): RefreshContext {
  return { env, nowSeconds, graceSeconds, revocation: { accessTokenTtlSeconds: 900 }, client: CLIENT };
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
    const session = await databaseForKey(env, sessionId).prepare('SELECT revoked_reason FROM sessions WHERE id = ?1').bind(sessionId).first<{ revoked_reason: string }>();
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

/** The session row's refresh columns, straight from D1. */
async function refreshColumns(sessionId: string) {
  return databaseForKey(env, sessionId).prepare('SELECT refresh_hash, previous_hash, rotated_at FROM sessions WHERE id = ?1')
    .bind(sessionId)
    .first<{ refresh_hash: string; previous_hash: string | null; rotated_at: number | null }>();
}

/** One rotation attempt of `token` at `nowSeconds`, with its own freshly drawn successor. */
async function rotationAttempt(token: string, nowSeconds: number): Promise<{ successor: string; successorHash: string; state: RefreshState | null }> {
  const shape = parseRefreshToken(token);
  if (shape?.format !== 'session') throw new Error('expected a session-format refresh token');
  const successor = newRefreshToken(shape.sessionId, shape.reuseProof);
  const successorHash = await hashRefreshToken(successor);
  const state = await rotateRefreshToken(databaseForKey(env, shape.sessionId), {
    sessionId: shape.sessionId,
    presentedHash: await hashRefreshToken(token),
    successorHash,
    successorSealed: await sealSuccessor(token, successor),
    reuseHash: await hashReuseProof(shape.reuseProof),
    nowSeconds,
    graceSeconds: 10,
    client: CLIENT,
  });
  return { successor, successorHash, state };
}

describe('rotateRefreshToken', () => {
  it('lets exactly one of two rotations of the same token create a successor; the other learns the winner', async () => {
    const { token, sessionId, loginSeconds } = await freshSession();
    const presentedHash = await hashRefreshToken(token);
    const [first, second] = await Promise.all([rotationAttempt(token, loginSeconds + 5), rotationAttempt(token, loginSeconds + 5)]);
    const won = (attempt: typeof first) => attempt.state?.refreshHash === attempt.successorHash;
    expect([won(first), won(second)].sort()).toEqual([false, true]);
    const winner = won(first) ? first : second;
    const loser = winner === first ? second : first;
    // The loser reads back the winner's successor as current, sealed under the token it presented.
    expect(loser.state?.refreshHash).toBe(winner.successorHash);
    expect(loser.state?.previousHash).toBe(presentedHash);
    const sealed = loser.state?.successorSealed;
    if (!sealed) throw new Error('the loser read back no sealed successor');
    expect(await unsealSuccessor(token, sealed)).toBe(winner.successor);
    expect(await refreshColumns(sessionId)).toEqual({ refresh_hash: winner.successorHash, previous_hash: presentedHash, rotated_at: loginSeconds + 5 });
  });

  it('never rotates a token a second time once it has a successor', async () => {
    const { token, sessionId, loginSeconds } = await freshSession();
    const presentedHash = await hashRefreshToken(token);
    const first = await rotationAttempt(token, loginSeconds + 1);
    expect(first.state?.refreshHash).toBe(first.successorHash);
    const later = await rotationAttempt(token, loginSeconds + 2);
    expect(later.state).toMatchObject({ refreshHash: first.successorHash, previousHash: presentedHash, rotatedAt: loginSeconds + 1 });
    expect(await refreshColumns(sessionId)).toEqual({ refresh_hash: first.successorHash, previous_hash: presentedHash, rotated_at: loginSeconds + 1 });
  });

  it('reads back nothing and writes nothing for a session that does not exist', async () => {
    const sessionId = newSessionId();
    const token = newRefreshToken(sessionId, newReuseProof());
    const { state } = await rotationAttempt(token, 1_700_000_000);
    expect(state).toBeNull();
    expect(await refreshColumns(sessionId)).toBeNull();
  });
});

/** A well-formed refresh token of some new session. */
const anyRefreshToken = () => newRefreshToken(newSessionId(), newReuseProof());

describe('the sealed successor', () => {
  it('opens only with its own predecessor', async () => {
    const predecessor = anyRefreshToken();
    const successor = anyRefreshToken();
    const sealed = await sealSuccessor(predecessor, successor);
    expect(await unsealSuccessor(predecessor, sealed)).toBe(successor);
    expect(await unsealSuccessor(anyRefreshToken(), sealed)).toBeNull();
    expect(sealed).not.toContain(successor.slice(3));
  });

  it.each(['', 'no-dot-at-all', '.', 'AAAA.', '.AAAA', '!!!!.????'])('answers null, never throws, for the malformed seal %j', async (sealed) => {
    await expect(unsealSuccessor(anyRefreshToken(), sealed)).resolves.toBeNull();
  });
});
