// The database invariants edge-auth must never break, as SQL shared by the tests and the soak.

/**
 * Each query counts violations of one invariant; every count must be 0.
 * `?1` is "now" in Unix seconds (a session past its expiry is no longer live).
 */
export const DB_INVARIANT_QUERIES = [
  {
    name: 'every refresh token belongs to a session',
    sql: `SELECT COUNT(*) AS violations FROM refresh_tokens t LEFT JOIN sessions s ON s.id = t.session_id WHERE s.id IS NULL`,
  },
  {
    name: 'every session belongs to a user',
    sql: `SELECT COUNT(*) AS violations FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL`,
  },
  {
    name: 'every live session names its current refresh token (a SHA-256, hex)',
    sql: `SELECT COUNT(*) AS violations FROM sessions s
          WHERE s.revoked_at IS NULL AND s.expires_at > ?1
            AND (s.refresh_hash IS NULL OR length(s.refresh_hash) <> 64 OR s.refresh_hash GLOB '*[^0-9a-f]*')`,
  },
  {
    name: 'a sealed successor only beside the predecessor it was sealed under',
    sql: `SELECT COUNT(*) AS violations FROM sessions
          WHERE successor_sealed IS NOT NULL AND (previous_hash IS NULL OR rotated_at IS NULL)`,
  },
  {
    name: 'no refresh token row written since migration 0005 keeps a sealed successor',
    sql: `SELECT COUNT(*) AS violations FROM refresh_tokens WHERE successor_sealed IS NOT NULL`,
  },
  {
    name: 'every user can sign in: a PBKDF2 password hash, or none (empty) beside a passkey or a linked identity',
    sql: `SELECT COUNT(*) AS violations FROM users u
          WHERE u.password_hash IS NULL
            OR (u.password_hash <> '' AND u.password_hash NOT LIKE '$pbkdf2-sha256$i=%')
            OR (u.password_hash = '' AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)
                AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.user_id = u.id))`,
  },
];
