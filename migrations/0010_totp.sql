-- TOTP second factor (issue 14): the sealed secret, recovery codes and the
-- tokens of half-done sign-ins. All rows live on the user's shard. Times are
-- Unix seconds.

-- One row per user who started or finished TOTP setup. `sealed_secret` is
-- the RFC 6238 secret sealed with AES-256-GCM under KEY_ENCRYPTION_SECRET,
-- bound to the user id. `enabled_at` stays NULL until a first code proves
-- the app has it. `last_used_step` is the newest time step that signed in
-- or changed the factor: a code of that step or an older one is refused.
CREATE TABLE totp_factors (
  user_id        TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  sealed_secret  TEXT NOT NULL,
  enabled_at     INTEGER,
  last_used_step INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
) WITHOUT ROWID;

-- Unused recovery codes, as SHA-256 bound to the user. Using one deletes
-- its row (DELETE ... RETURNING), so each works once.
CREATE TABLE recovery_codes (
  user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- The mfa_token a correct password earns when TOTP is on, as SHA-256. It
-- allows `attempts_left` codes (5), dies at `expires_at` (5 minutes) and is
-- deleted by the sign-in it completes. The cleanup removes expired ones.
CREATE TABLE mfa_tokens (
  token_hash    TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  attempts_left INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
