-- Account lifecycle (issue 23): a way in can no longer be added while an
-- account's address is unverified, and a reset that proves such an address
-- removes every way in added before. Accounts from before that rule may
-- still hold a passkey, a TOTP factor or a linked provider identity that
-- whoever pre-registered the address planted. This records each of them,
-- on its own shard, for an operator to review: nothing is deleted or
-- changed. `npm run admin -- lifecycle-review` lists the entries and
-- `lifecycle-clear <user id>` removes a reviewed one; docs/security.md says
-- what to do with them. The counts are those of the moment the migration ran.
CREATE TABLE lifecycle_review (
  user_id     TEXT PRIMARY KEY,
  passkeys    INTEGER NOT NULL,
  totp        INTEGER NOT NULL,
  identities  INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO lifecycle_review (user_id, passkeys, totp, identities, recorded_at)
SELECT u.id,
       (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id),
       (SELECT COUNT(*) FROM totp_factors t WHERE t.user_id = u.id),
       (SELECT COUNT(*) FROM identities i WHERE i.user_id = u.id),
       CAST(strftime('%s', 'now') AS INTEGER)
FROM users u
WHERE u.email_verified = 0
  AND (EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)
    OR EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = u.id)
    OR EXISTS (SELECT 1 FROM identities i WHERE i.user_id = u.id));
