-- Brute-force protection, per-IP rate limits, the security event log, and
-- the indexes the scheduled cleanup walks. Times are Unix seconds.

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

CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_revocation ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);
