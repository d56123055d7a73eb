// Structured log lines: one JSON object per line, never a token, password or cookie value.

export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one structured log line. Callers pass ids and reasons, never secrets. */
export function logEvent(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** Every authentication event the service logs; docs/operations.md describes each. */
export type AuthEventName =
  | 'register'
  | 'login_succeeded'
  | 'login_failed'
  | 'refresh_succeeded'
  | 'refresh_failed'
  | 'refresh_token_replayed'
  | 'refresh_token_reused'
  | 'logout'
  | 'access_token_rejected'
  | 'rate_limited';

/**
 * The only fields an auth event may carry: ids, reasons and counts. There is
 * deliberately no free-form field, so no token, password, cookie or email
 * can slip into a log line.
 */
export interface AuthEventFields {
  user_id?: string;
  sid?: string;
  jti?: string;
  /** Why it failed, from the server's point of view (never sent to the client). */
  reason?: string;
  /** Client IP from `CF-Connecting-IP`. */
  ip?: string | null;
  /** Where the refresh token travelled: `cookie` or `body`. */
  channel?: 'cookie' | 'body';
  /** Sessions a logout ended. */
  sessions_revoked?: number;
  seconds_since_rotation?: number;
  path?: string;
}

const AUTH_EVENT_LEVELS: Record<AuthEventName, LogLevel> = {
  register: 'info',
  login_succeeded: 'info',
  login_failed: 'info',
  refresh_succeeded: 'info',
  refresh_failed: 'info',
  refresh_token_replayed: 'info',
  refresh_token_reused: 'warn',
  logout: 'info',
  access_token_rejected: 'info',
  rate_limited: 'warn',
};

/**
 * Writes the one structured line of an auth event, `{"level","event","time","category":"auth",...}`.
 *
 * @example
 * logAuthEvent('login_succeeded', { user_id: user.id, sid: sessionId, channel: 'cookie', ip });
 */
export function logAuthEvent(event: AuthEventName, fields: AuthEventFields = {}): void {
  const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  logEvent(AUTH_EVENT_LEVELS[event], event, { category: 'auth', ...present });
}
