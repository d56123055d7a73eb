-- Password checks are claimed before they run: `pending` counts checks in
-- flight, so concurrent guesses cannot exceed LOGIN_MAX_FAILURES per lock
-- window. WITHOUT ROWID and no secondary index: a claim and its release each
-- write exactly one row (D1 bills index entries too).

CREATE TABLE login_failures_new (
  email_hash   TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL DEFAULT 0,
  pending      INTEGER NOT NULL DEFAULT 0,
  lockouts     INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO login_failures_new (email_hash, failures, pending, lockouts, locked_until, updated_at)
  SELECT email_hash, failures, 0, lockouts, locked_until, updated_at FROM login_failures;

DROP INDEX login_failures_by_update;
DROP TABLE login_failures;
ALTER TABLE login_failures_new RENAME TO login_failures;
