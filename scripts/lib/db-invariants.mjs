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
    name: 'every live session has exactly one current refresh token',
    sql: `SELECT COUNT(*) AS violations FROM sessions s
          WHERE s.revoked_at IS NULL AND s.expires_at > ?1
            AND (SELECT COUNT(*) FROM refresh_tokens t WHERE t.session_id = s.id AND t.rotated_at IS NULL) <> 1`,
  },
  {
    name: 'every rotated refresh token names a successor that exists',
    sql: `SELECT COUNT(*) AS violations FROM refresh_tokens t
          WHERE t.rotated_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM refresh_tokens n WHERE n.token_hash = t.successor_hash AND n.session_id = t.session_id)`,
  },
  {
    name: 'no user without a password hash',
    sql: `SELECT COUNT(*) AS violations FROM users WHERE password_hash IS NULL OR password_hash NOT LIKE '$pbkdf2-sha256$i=%'`,
  },
];
