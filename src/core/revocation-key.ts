// The KV key of a session's revocation flag: shared by the worker and by verifiers in other services.

const FLAG_PREFIX = 'revoked:sid:';

/** The KV key of a session's revocation flag (`revoked:sid:<sid>`). */
export function revocationKey(sessionId: string): string {
  return `${FLAG_PREFIX}${sessionId}`;
}
