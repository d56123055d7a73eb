-- Sign-in with other providers (issue 15): identities linked to accounts and
-- the short-lived state of a sign-in in flight. Times are Unix seconds.

-- One row per provider account linked to a user, on the user's shard. `id`
-- carries the user's shard prefix ("00."). (provider, subject) is unique: a
-- provider account signs in to one user at most. `email` is the address the
-- provider gave when it was linked (shown in the list; never used to sign in).
CREATE TABLE identities (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider   TEXT NOT NULL,
  subject    TEXT NOT NULL,
  email      TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (provider, subject)
);

CREATE INDEX identities_by_user ON identities (user_id);

-- Sign-ins in flight, each used once (DELETE ... RETURNING) within 10
-- minutes. `state_hash` is the SHA-256 of the `state` sent to the provider;
-- `binding_hash` the SHA-256 of the secret in the browser's __Host- binding
-- cookie, so the state works only in the browser that started the flow.
-- `code_verifier` (PKCE) and `nonce` are useless without the provider's code.
CREATE TABLE oauth_flows (
  state_hash    TEXT PRIMARY KEY,
  binding_hash  TEXT NOT NULL,
  provider      TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  nonce         TEXT NOT NULL,
  redirect_to   TEXT NOT NULL,
  expires_at    INTEGER NOT NULL
) WITHOUT ROWID;
