-- Full current schema of edge-auth's D1 database. It must equal what the
-- migrations in migrations/ produce: test/unit/schema.test.ts checks it.
-- Times are Unix seconds; ids carry a two-character shard prefix ("00.").

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

-- Failed logins per account, keyed by the SHA-256 of the normalised email:
-- an address without an account counts and locks exactly like one with an
-- account, so a lockout never tells which addresses are registered.
CREATE TABLE login_failures (
  email_hash   TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL DEFAULT 0,
  lockouts     INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  updated_at   INTEGER NOT NULL
);

CREATE INDEX login_failures_by_update ON login_failures (updated_at);

-- One fixed one-minute window per client address (IPv6 by its /64).
CREATE TABLE ip_rate_limits (
  ip_key       TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  requests     INTEGER NOT NULL
);

CREATE INDEX ip_rate_limits_by_window ON ip_rate_limits (window_start);

-- Security events a user can review; never a token or a password.
CREATE TABLE auth_events (
  id         INTEGER PRIMARY KEY,
  type       TEXT NOT NULL,
  user_id    TEXT,
  session_id TEXT,
  ip         TEXT,
  user_agent TEXT,
  country    TEXT,
  created_at INTEGER NOT NULL
);

CREATE INDEX auth_events_by_user ON auth_events (user_id, created_at);
CREATE INDEX auth_events_by_time ON auth_events (created_at);

-- Indexes the scheduled cleanup walks.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_revocation ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
