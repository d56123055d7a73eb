-- Account recovery and verification: whether a user's address is verified,
-- the emailed single-use links, and per-address mail limits. Times are Unix seconds.

ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;

-- One row per outstanding link. Only the SHA-256 of the token is stored.
-- A link is bound to one user and one purpose (at most one live link per
-- user and purpose: a newer one replaces it), to the address it was issued
-- for (`email`) and to a tag of the password hash of that moment
-- (`password_tag`), so it dies once either changes. `new_email` is the
-- address an email-change link moves the account to.
CREATE TABLE email_links (
  token_hash   TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose      TEXT NOT NULL,
  email        TEXT NOT NULL,
  new_email    TEXT,
  password_tag TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);

CREATE UNIQUE INDEX email_links_one_per_purpose ON email_links (user_id, purpose);
CREATE INDEX email_links_by_expiry ON email_links (expires_at);

-- Links mailed per address and purpose, keyed by the SHA-256 of the
-- normalised address: counted whether or not the address has an account.
CREATE TABLE mail_limits (
  address_hash TEXT NOT NULL,
  purpose      TEXT NOT NULL,
  last_sent_at INTEGER NOT NULL,
  hour_start   INTEGER NOT NULL,
  hour_count   INTEGER NOT NULL,
  PRIMARY KEY (address_hash, purpose)
);

CREATE INDEX mail_limits_by_hour ON mail_limits (hour_start);
