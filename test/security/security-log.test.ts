// Reuse and lockout write a structured log line with ids only: never a token, password or email.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestClient, refreshWithCookie, signUpAndLogIn, uniqueIp } from '../helpers/client';

function captureLogLines(): { lines: () => Record<string, unknown>[]; text: () => string } {
  const captured: string[] = [];
  for (const method of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map(String).join(' '));
    });
  }
  return { lines: () => captured.map((line) => JSON.parse(line) as Record<string, unknown>), text: () => captured.join('\n') };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('security log lines', () => {
  it('logs account_locked with the user id, and no email or password', async () => {
    const client = createTestClient({ vars: { LOGIN_MAX_FAILURES: '2' } });
    const user = await signUpAndLogIn(client);
    const log = captureLogLines();
    const wrong = 'the wrong passphrase here';
    for (let attempt = 0; attempt < 2; attempt++) {
      await client.postJson('/auth/login', { email: user.email, password: wrong }, { 'CF-Connecting-IP': uniqueIp() });
    }
    const locked = log.lines().find((line) => line.event === 'account_locked');
    expect(locked).toMatchObject({ level: 'warn', user_id: user.userId, account_exists: true, lockouts: 1 });
    expect(log.text()).not.toContain(user.email);
    expect(log.text()).not.toContain(wrong);
  });

  it('logs refresh_token_reused with the session id, and no token', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const rotated = await refreshWithCookie(client, user.refreshToken);
    expect(rotated.status).toBe(200);
    client.clock.advanceSeconds(60);
    const log = captureLogLines();
    expect((await refreshWithCookie(client, user.refreshToken)).status).toBe(401);
    const reused = log.lines().find((line) => line.event === 'refresh_token_reused');
    expect(reused).toMatchObject({ level: 'warn', sid: user.sessionId, user_id: user.userId });
    expect(log.text()).not.toContain(user.refreshToken);
    expect(log.text()).not.toContain(user.refreshToken.slice(3));
  });
});
