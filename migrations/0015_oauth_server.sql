-- The authorization server (issue 25): the apps registered with edge-auth,
-- what each user let them do, and authorization codes in flight. Times are
-- Unix seconds.

-- Registered clients, global: on shard 00 (or the shard the id names).
-- `secret_hash` is the SHA-256 (hex) of the client secret, NULL for a public
-- client. `redirect_uris`, `grant_types` are JSON arrays of strings; `scope`
-- is the space-separated scopes the client may ask for.
CREATE TABLE oauth_clients (
  client_id                  TEXT PRIMARY KEY,
  secret_hash                TEXT,
  name                       TEXT NOT NULL,
  redirect_uris              TEXT NOT NULL,
  grant_types                TEXT NOT NULL,
  token_endpoint_auth_method TEXT NOT NULL,
  application_type           TEXT NOT NULL CHECK (application_type IN ('web', 'native')),
  first_party                INTEGER NOT NULL DEFAULT 0,
  scope                      TEXT NOT NULL,
  created_at                 INTEGER NOT NULL
) WITHOUT ROWID;

-- What a user let a client do, on the user's shard; `id` carries the shard
-- prefix ("00."). The refresh columns mirror the sessions table's (migration
-- 0005): the current token's hash, the reuse proof, the predecessor kept for
-- the grace window, when it was rotated and the sealed successor handed to
-- a concurrent refresh inside that window.
CREATE TABLE oauth_grants (
  id                 TEXT PRIMARY KEY,
  user_id            TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id          TEXT NOT NULL,
  scopes             TEXT NOT NULL,
  created_at         INTEGER NOT NULL,
  last_used_at       INTEGER NOT NULL,
  revoked_at         INTEGER,
  refresh_hash       TEXT,
  reuse_hash         TEXT,
  previous_hash      TEXT,
  rotated_at         INTEGER,
  successor_sealed   TEXT,
  refresh_expires_at INTEGER
);

CREATE INDEX oauth_grants_by_user ON oauth_grants (user_id, client_id);

-- Authorization codes, on the user's shard, used once (redeeming renames the key to `used:`+hash, so a reuse is recognised until the cron sweeps it)
-- within `expires_at` (60 to 600 seconds after issue). `code_hash` is the
-- SHA-256 of the code; the code itself names the shard. `amr` is a JSON
-- array; `nonce` and `resource` may be NULL.
CREATE TABLE oauth_codes (
  code_hash      TEXT PRIMARY KEY,
  grant_id       TEXT NOT NULL,
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  client_id      TEXT NOT NULL,
  redirect_uri   TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  nonce          TEXT,
  resource       TEXT,
  scope          TEXT NOT NULL,
  auth_time      INTEGER NOT NULL,
  amr            TEXT NOT NULL,
  expires_at     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX oauth_codes_by_expiry ON oauth_codes (expires_at);
