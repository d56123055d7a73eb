-- The edge path at its floor (issue 12). A session row now holds its own
-- refresh state, so a refresh rewrites one row and touches no index:
--   refresh_hash     SHA-256 of the current refresh token
--   reuse_hash       SHA-256 of the session's reuse proof (every token of the
--                    session carries it), so any earlier token is recognised
--                    as genuine without storing one row per token
--   previous_hash    SHA-256 of the token the current one replaced
--   rotated_at       when that happened
--   successor_sealed the current token sealed under the previous one, for a
--                    replay inside the grace window; cleared by the cleanup
--                    once the window has passed, overwritten by the next rotation
-- Tokens issued before this migration keep working: their rows in
-- refresh_tokens still name their session, and the current one is copied here.

ALTER TABLE sessions ADD COLUMN refresh_hash TEXT;
ALTER TABLE sessions ADD COLUMN reuse_hash TEXT;
ALTER TABLE sessions ADD COLUMN previous_hash TEXT;
ALTER TABLE sessions ADD COLUMN rotated_at INTEGER;
ALTER TABLE sessions ADD COLUMN successor_sealed TEXT;

UPDATE sessions SET refresh_hash = (
  SELECT t.token_hash FROM refresh_tokens t WHERE t.session_id = sessions.id AND t.rotated_at IS NULL
);

-- A rotation inside its grace window at deploy time keeps its same-successor answer.
UPDATE sessions SET (previous_hash, rotated_at, successor_sealed) = (
  SELECT p.token_hash, p.rotated_at, p.successor_sealed FROM refresh_tokens p
  WHERE p.session_id = sessions.id AND p.successor_hash = sessions.refresh_hash
)
WHERE refresh_hash IS NOT NULL;

-- Every older sealed successor goes (issue 11, finding 3): an old token plus a
-- copy of D1 can no longer be followed hop by hop to the live token.
UPDATE refresh_tokens SET successor_sealed = NULL WHERE successor_sealed IS NOT NULL;

-- Indexes no hot path needs: the hourly cleanup scans instead of paying an
-- index entry on every login.
DROP INDEX sessions_by_expiry;

-- Security events keyed by user and time, without a rowid: one event is one
-- row written, and listing a user's events walks the primary key. `id`
-- orders events of one user within one second. Events without a user are
-- kept under the empty user id (nobody lists them; the cleanup removes them).
CREATE TABLE auth_events_keyed (
  user_id    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  id         INTEGER NOT NULL,
  type       TEXT NOT NULL,
  session_id TEXT,
  ip         TEXT,
  user_agent TEXT,
  country    TEXT,
  PRIMARY KEY (user_id, created_at, id)
) WITHOUT ROWID;

INSERT INTO auth_events_keyed (user_id, created_at, id, type, session_id, ip, user_agent, country)
  SELECT COALESCE(user_id, ''), created_at, id, type, session_id, ip, user_agent, country FROM auth_events;

DROP TABLE auth_events;
ALTER TABLE auth_events_keyed RENAME TO auth_events;

-- Per-IP limits moved to the Workers Rate Limiting binding: no D1 rows.
DROP TABLE ip_rate_limits;
