// D1 queries on lifecycle_review: accounts from before the enrolment rule kept for an operator's review (migration 0013).

/** A statement forgetting the user's review entry: once the ways in it counted are gone, nothing is left to review (for a batch). */
export function forgetLifecycleReviewStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM lifecycle_review WHERE user_id = ?1').bind(userId);
}
