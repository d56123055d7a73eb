-- Passkeys (WebAuthn, issue 14): registered credentials, the challenges of
-- registration and sign-in ceremonies, and how each session signed in.
-- Times are Unix seconds.

-- One row per passkey, on the user's shard, keyed by (user, credential id):
-- a sign-in finds it through the assertion's userHandle (our user id) and
-- its credential id, both in the primary key, so no other index is needed
-- and a sign-in's counter update writes exactly one row. `public_key` is the
-- credential's public key as a JWK (JSON), `algorithm` its COSE algorithm.
-- `sign_count` is the authenticator's signature counter (0: it keeps none).
-- `backup_eligible` / `backed_up` are the BE / BS flags of the registration.
CREATE TABLE passkeys (
  user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  credential_id   TEXT NOT NULL,
  name            TEXT NOT NULL,
  public_key      TEXT NOT NULL,
  algorithm       INTEGER NOT NULL,
  sign_count      INTEGER NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backed_up       INTEGER NOT NULL,
  transports      TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  last_used_at    INTEGER,
  PRIMARY KEY (user_id, credential_id)
) WITHOUT ROWID;

-- Outstanding WebAuthn challenges, each used once (DELETE ... RETURNING).
-- `challenge` is the base64url challenge itself; it starts with the shard
-- that stores it ("00." in ASCII), so a sign-in, which has no user yet,
-- finds it. `user_id` is set for a registration challenge (the user's own
-- shard) and NULL for a sign-in challenge. No secondary index: issuing or
-- using one writes one row; the cleanup scans for expired ones.
CREATE TABLE webauthn_challenges (
  challenge  TEXT PRIMARY KEY,
  purpose    TEXT NOT NULL,
  user_id    TEXT,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- How a session signed in: its RFC 8176 method references as a JSON array
-- (NULL for sessions opened before this migration: a password). A refresh
-- carries them into every access token of the session.
ALTER TABLE sessions ADD COLUMN amr TEXT;
