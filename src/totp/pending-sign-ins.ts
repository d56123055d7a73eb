// Sign-ins begun and not finished (an mfa_token waiting for its code): the one statement list that ends them all.

/**
 * Statements ending every pending second step of a user: each mfa_token
 * still waiting for its code (and, once email sign-in exists, its unused
 * codes: they join this list). Run them in the batch of the change that
 * must end them: a password change or reset, logout-all, TOTP disable,
 * account deletion. A later `POST /auth/login/mfa` with such a token
 * answers 401 `invalid_mfa_token`.
 */
export function endPendingSecondStepsStatements(db: D1Database, userId: string): D1PreparedStatement[] {
  return [db.prepare('DELETE FROM mfa_tokens WHERE user_id = ?1').bind(userId)];
}
