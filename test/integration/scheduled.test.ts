// The cron handler deletes expired and ended rows in bounded batches, and nothing still in use.
import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { runScheduledCleanup } from '../../src/scheduled';
import type { Bindings } from '../../src/http/app-env';
import { createTestClient, createTestClock, probeSession, sendWithBearer, signUpAndLogIn } from '../helpers/client';
import { countOnEveryShard } from '../helpers/shards';

const DAY_MILLISECONDS = 86_400_000;

async function countRows(sql: string, ...values: unknown[]): Promise<number> {
  return countOnEveryShard(sql, ...values);
}

describe('scheduled cleanup', () => {
  it('deletes long-expired sessions, their tokens and old events, and keeps live ones', async () => {
    const past = createTestClient({ clock: createTestClock(Date.now() - 200 * DAY_MILLISECONDS) });
    const old = await signUpAndLogIn(past);
    const revokedLongAgo = await signUpAndLogIn(past);
    await sendWithBearer(past, 'POST', '/auth/logout-all', revokedLongAgo.accessToken);
    const client = createTestClient();
    const live = await signUpAndLogIn(client);

    const controller = createScheduledController({ scheduledTime: Date.now(), cron: '17 * * * *' });
    await worker.scheduled(controller, env as unknown as Bindings);

    for (const gone of [old, revokedLongAgo]) {
      expect(await countRows('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1', gone.userId)).toBe(0);
      expect(await countRows('SELECT COUNT(*) AS n FROM auth_events WHERE user_id = ?1', gone.userId)).toBe(0);
      expect(await countRows('SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?1', gone.sessionId)).toBe(0);
    }
    expect(await countRows('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1', live.userId)).toBe(1);
    expect(await probeSession(client, live)).toEqual({ accessStatus: 200, refreshStatus: 200 });
  });

  it('keeps recently revoked sessions for the retention period', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    await sendWithBearer(client, 'POST', '/auth/logout-all', user.accessToken);
    await runScheduledCleanup(env as unknown as Bindings, Math.floor(Date.now() / 1000));
    expect(await countRows('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?1', user.userId)).toBe(1);
  });

  it('deletes at most batchSize × maxBatchesPerTable rows of a table per run', async () => {
    const past = createTestClient({ clock: createTestClock(Date.now() - 400 * DAY_MILLISECONDS) });
    const user = await signUpAndLogIn(past);
    for (let failure = 0; failure < 4; failure++) await past.postJson('/auth/login', { email: user.email, password: 'not the password at all' });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const before = await countRows('SELECT COUNT(*) AS n FROM auth_events WHERE created_at <= ?1', nowSeconds - 90 * 86_400);
    expect(before).toBeGreaterThanOrEqual(5);
    const report = await runScheduledCleanup(env as unknown as Bindings, nowSeconds, { batchSize: 2, maxBatchesPerTable: 1 });
    expect(report.events).toBe(2);
    expect(await countRows('SELECT COUNT(*) AS n FROM auth_events WHERE created_at <= ?1', nowSeconds - 90 * 86_400)).toBe(before - 2);
  });

  it("runs every capability's sweeps: expired passkey challenges and provider sign-ins in flight go too", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const marker = crypto.randomUUID();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES (?1, 'login', NULL, ?2)").bind(`00.expired-${marker}`, nowSeconds - 60),
      env.DB.prepare("INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES (?1, 'login', NULL, ?2)").bind(`00.live-${marker}`, nowSeconds + 300),
      env.DB.prepare("INSERT INTO oauth_flows (state_hash, binding_hash, provider, code_verifier, nonce, redirect_to, expires_at) VALUES (?1, 'b', 'local', 'v', 'n', '/', ?2)").bind(`expired-${marker}`, nowSeconds - 60),
    ]);
    const report = await runScheduledCleanup(env as unknown as Bindings, nowSeconds);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['refreshTokens', 'sessions', 'events', 'loginFailures', 'emailLinks', 'mailLimits', 'webauthnChallenges', 'oauthFlows', 'mfaTokens']));
    expect(await countRows('SELECT COUNT(*) AS n FROM webauthn_challenges WHERE challenge = ?1', `00.expired-${marker}`)).toBe(0);
    expect(await countRows('SELECT COUNT(*) AS n FROM webauthn_challenges WHERE challenge = ?1', `00.live-${marker}`)).toBe(1);
    expect(await countRows('SELECT COUNT(*) AS n FROM oauth_flows WHERE state_hash = ?1', `expired-${marker}`)).toBe(0);
  });
});
