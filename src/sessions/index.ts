// The sessions capability: refresh, logout, /auth/me, the session list, security events; its rows' cleanup.

import type { Capability } from '../http/capability';
import { addAuthRoutes } from './routes';
import { addSessionRoutes } from './session-routes';

const ENDED_SESSION = '(s.expires_at <= ?1 OR (s.revoked_at IS NOT NULL AND s.revoked_at <= ?1))';

/** Sessions, their refresh tokens and the security log: every deployment has them. */
export const sessionsCapability: Capability = {
  name: 'sessions',
  canBeDisabled: false,
  addRoutes(app) {
    addAuthRoutes(app);
    addSessionRoutes(app);
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
