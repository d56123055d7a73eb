-- Users, their sessions, and each session's chain of refresh tokens.
-- Times are Unix seconds. Ids carry a two-character shard prefix ("00.")
-- so that a later split over several databases can route by id alone.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  roles         TEXT NOT NULL DEFAULT '[]',
  created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at     INTEGER NOT NULL,
  last_used_at   INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  revoked_at     INTEGER,
  revoked_reason TEXT,
  user_agent     TEXT,
  ip             TEXT,
  country        TEXT
);

CREATE INDEX sessions_by_user ON sessions (user_id, revoked_at);

-- Only the SHA-256 of a refresh token is stored. A rotated token keeps the
-- hash of its successor and the successor sealed under a key derived from
-- the rotated token itself, so a replay inside the grace window can be
-- answered with the same successor without it ever being stored in clear.
CREATE TABLE refresh_tokens (
  token_hash       TEXT PRIMARY KEY,
  session_id       TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  issued_at        INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  rotated_at       INTEGER,
  successor_hash   TEXT,
  successor_sealed TEXT
);

CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- At most one current (unrotated) token per session: a second concurrent
-- rotation can never leave two live successors behind.
CREATE UNIQUE INDEX refresh_tokens_one_current
  ON refresh_tokens (session_id) WHERE rotated_at IS NULL;
