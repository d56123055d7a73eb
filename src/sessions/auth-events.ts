// D1 queries on auth_events: the security log a user can review (never a token or password).

import { runStorage, type ReadableDatabase } from '../storage/database';

/** Every kind of security event the service records. */
export type AuthEventType =
  | 'login_succeeded'
  | 'login_failed'
  | 'lockout'
  /** Written before migration 0005 only: a routine refresh is now a log line. */
  | 'refresh'
  | 'refresh_token_replayed'
  | 'refresh_token_reused'
  | 'logout'
  | 'logout_all'
  | 'session_deleted'
  | 'password_changed'
  | 'password_change_failed'
  | 'reauthentication_failed'
  | 'password_reset'
  | 'email_changed'
  | 'admin_revoked'
  | 'passkey_added'
  | 'passkey_removed'
  | 'totp_enabled'
  | 'totp_disabled'
  /** A wrong, replayed or used-up TOTP or recovery code. */
  | 'mfa_code_failed'
  /** A passkey sign-in refused because the signature counter did not grow (a cloned authenticator?). */
  | 'passkey_counter_regressed'
  /** A provider identity (sign-in with GitHub, Google, OpenID Connect) was linked to the account, or removed from it. */
  | 'identity_linked'
  | 'identity_removed'
  /** A reset proved an unverified address: every way in added before (passkeys, identities, TOTP) was removed. */
  | 'account_reset';

/** Where a request came from, as far as we know. */
export interface EventClient {
  ip: string | null;
  userAgent: string | null;
  country: string | null;
}

/** One event to record. */
export interface AuthEventInput {
  type: AuthEventType;
  userId: string | null;
  sessionId: string | null;
  client: EventClient | null;
}

/** A recorded event, as `GET /auth/events` shows it. */
export interface AuthEventRecord {
  type: AuthEventType;
  sessionId: string | null;
  ip: string | null;
  userAgent: string | null;
  country: string | null;
  createdAt: number;
}

interface AuthEventRow {
  type: AuthEventType;
  session_id: string | null;
  ip: string | null;
  user_agent: string | null;
  country: string | null;
  created_at: number;
}

const INSERT_COLUMNS = 'INSERT INTO auth_events (type, user_id, session_id, ip, user_agent, country, created_at, id)';

/** The next id of a user's events in one second (the primary key's prefix: no scan). */
function nextEventIdSql(userSql: string, timeSql: string): string {
  return `(SELECT COALESCE(MAX(e.id), 0) + 1 FROM auth_events e WHERE e.user_id = ${userSql} AND e.created_at = ${timeSql})`;
}

/**
 * A statement recording one event, for the batch that makes the change the
 * event describes, so both land together or not at all. One row written
 * (the table has no rowid and no other index). `when` makes the insert
 * conditional: its SQL becomes the WHERE clause; it may use the event's own
 * values (?1 type, ?2 user_id, ?3 session_id, ?7 time) and binds its own
 * parameters from ?8 on. An event without a user is kept under ''.
 */
export function insertAuthEventStatement(
  db: D1Database,
  event: AuthEventInput,
  nowSeconds: number,
  when?: { sql: string; parameters: readonly unknown[] },
): D1PreparedStatement {
  const client = event.client;
  const values = [event.type, event.userId, event.sessionId, client?.ip ?? null, client?.userAgent ?? null, client?.country ?? null, nowSeconds];
  const selected = `SELECT ?1, COALESCE(?2, ''), ?3, ?4, ?5, ?6, ?7, ${nextEventIdSql("COALESCE(?2, '')", '?7')}`;
  if (!when) return db.prepare(`${INSERT_COLUMNS} ${selected}`).bind(...values);
  return db.prepare(`${INSERT_COLUMNS} ${selected} WHERE ${when.sql}`).bind(...values, ...when.parameters);
}

/**
 * A statement recording an event for the session `s` that `where` selects
 * (its SQL names the session row `s`, binds its parameters from ?6 on): for
 * a batch that knows the session but not yet its user.
 */
export function insertSessionEventStatement(
  db: D1Database,
  event: { type: AuthEventType; client: EventClient | null; nowSeconds: number },
  where: { sql: string; parameters: readonly unknown[] },
): D1PreparedStatement {
  const client = event.client;
  const renumbered = where.sql.replace(/\?(\d+)/g, (_match, index: string) => `?${Number(index) + 5}`);
  return db
    .prepare(
      `${INSERT_COLUMNS} SELECT ?1, s.user_id, s.id, ?2, ?3, ?4, ?5, ${nextEventIdSql('s.user_id', '?5')}
       FROM sessions s WHERE ${renumbered}`,
    )
    .bind(event.type, client?.ip ?? null, client?.userAgent ?? null, client?.country ?? null, event.nowSeconds, ...where.parameters);
}

/**
 * The user's most recent events, newest first. One round trip, to a read
 * replica of the user's shard (`replicaForKey`; may lag by seconds).
 */
export async function listAuthEvents(replica: ReadableDatabase, userId: string, limit: number): Promise<AuthEventRecord[]> {
  const { results } = await runStorage('list auth events', () =>
    replica
      .prepare(
        `SELECT type, session_id, ip, user_agent, country, created_at FROM auth_events
         WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2`,
      )
      .bind(userId, limit)
      .all<AuthEventRow>(),
  );
  return results.map((row) => ({
    type: row.type,
    sessionId: row.session_id,
    ip: row.ip,
    userAgent: row.user_agent,
    country: row.country,
    createdAt: row.created_at,
  }));
}
