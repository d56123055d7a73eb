// Counting a failed password check towards the account's lockout, with its events and log line.

import { logEvent } from '../core/log';
import type { EventClient } from '../sessions/auth-events';
import { recordFailedLogin, type FailureShards } from './login-attempts';
import type { LockoutPolicy } from './login-failures';

/** A failed secret check: a password on login, password change or step-up, or a second-factor code. */
export interface FailedAttempt {
  email: string;
  emailHash: string;
  /** The account, when it exists: only then are events recorded. */
  userId: string | null;
  sessionId: string | null;
  kind: 'login_failed' | 'password_change_failed' | 'reauthentication_failed' | 'mfa_code_failed';
  client: EventClient & { ip: string | null };
}

/**
 * Counts the failure (one D1 round trip, on the shards the first look
 * resolved: `shards`). When it starts a lock, records a `lockout` event
 * and writes an `account_locked` log line (ids only).
 */
export async function countFailedAttempt(shards: FailureShards, policy: LockoutPolicy, nowSeconds: number, attempt: FailedAttempt): Promise<void> {
  const { userId, sessionId, client } = attempt;
  // Unknown emails send the same statements (they insert nothing): equal work either way.
  const event = (type: FailedAttempt['kind'] | 'lockout') => ({ type, userId, sessionId, client });
  const lock = await recordFailedLogin(shards, {
    email: attempt.email,
    emailHash: attempt.emailHash,
    nowSeconds,
    policy,
    failedEvent: event(attempt.kind),
    lockoutEvent: event('lockout'),
  });
  if (!lock) return;
  logEvent('warn', 'account_locked', {
    user_id: userId,
    account_exists: userId !== null,
    trigger: attempt.kind,
    lockouts: lock.lockouts,
    locked_seconds: lock.lockedUntil - nowSeconds,
    ip: client.ip,
  });
}
