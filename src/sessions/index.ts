// The sessions capability: refresh, logout, /auth/me, the session list, security events; its rows' cleanup.

import type { AdminViewPart } from '../admin/responses';
import { isoFromSeconds } from '../core/time';
import type { Capability } from '../http/capability';
import { replicaOf } from '../storage/database';
import { listAuthEvents } from './auth-events';
import { addAuthRoutes } from './routes';
import { addSessionRoutes, MAX_LISTED_EVENTS, MAX_LISTED_SESSIONS } from './session-routes';
import { listLiveSessions } from './session-rows';

const ENDED_SESSION = '(s.expires_at <= ?1 OR (s.revoked_at IS NOT NULL AND s.revoked_at <= ?1))';

/** Sessions, their refresh tokens and the security log: every deployment has them. */
export const sessionsCapability: Capability = {
  name: 'sessions',
  canBeDisabled: false,
  addRoutes(app) {
    addAuthRoutes(app);
    addSessionRoutes(app);
  },
  async adminView(db, userId, nowSeconds): Promise<AdminViewPart> {
    const replica = replicaOf(db);
    const [sessions, events] = await Promise.all([
      listLiveSessions(replica, userId, nowSeconds, MAX_LISTED_SESSIONS),
      listAuthEvents(replica, userId, MAX_LISTED_EVENTS),
    ]);
    return {
      sessions: sessions.map((session) => ({
        id: session.id,
        created_at: isoFromSeconds(session.createdAt),
        last_used_at: isoFromSeconds(session.lastUsedAt),
        expires_at: isoFromSeconds(session.expiresAt),
        user_agent: session.userAgent,
        ip: session.ip,
        country: session.country,
      })),
      events: events.map((event) => ({
        type: event.type,
        created_at: isoFromSeconds(event.createdAt),
        session_id: event.sessionId,
        ip: event.ip,
        user_agent: event.userAgent,
        country: event.country,
      })),
    };
  },
  sweeps: [
    // A refresh token lives no longer than its session.
    { key: 'refreshTokens', sql: 'DELETE FROM refresh_tokens WHERE rowid IN (SELECT rowid FROM refresh_tokens WHERE expires_at <= ?1 LIMIT ?2)', cutoff: (now) => now },
    {
      key: 'refreshTokens',
      sql: `DELETE FROM refresh_tokens WHERE rowid IN (
              SELECT t.rowid FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE ${ENDED_SESSION} LIMIT ?2)`,
      cutoff: (now, retention) => now - retention.endedSessionRetentionSeconds,
    },
    {
      key: 'sessions',
      // Only sessions whose tokens are gone: a cascade could delete an unbounded chain in one statement.
      sql: `DELETE FROM sessions WHERE id IN (
              SELECT s.id FROM sessions s WHERE ${ENDED_SESSION}
                AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id) LIMIT ?2)`,
      cutoff: (now, retention) => now - retention.endedSessionRetentionSeconds,
    },
    {
      key: 'events',
      sql: `DELETE FROM auth_events WHERE (user_id, created_at, id) IN (
              SELECT user_id, created_at, id FROM auth_events WHERE created_at <= ?1 LIMIT ?2)`,
      cutoff: (now, retention) => now - retention.eventRetentionSeconds,
    },
    {
      key: 'sealedSuccessors',
      // Past its grace window a sealed successor only helps someone holding an old token and a copy of D1.
      sql: `UPDATE sessions SET successor_sealed = NULL WHERE id IN (
              SELECT id FROM sessions WHERE successor_sealed IS NOT NULL AND rotated_at < ?1 LIMIT ?2)`,
      cutoff: (now, retention) => now - retention.sealedSuccessorSeconds,
    },
  ],
};
