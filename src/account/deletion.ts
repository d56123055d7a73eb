// Deleting an account: a proof in the same request, every stored row gone in one batch, then every live session's KV flag raised.

import type { AuthContext } from '../http/app-env';
import type { Capability } from '../http/capability';
import { deleteUserAndRows } from './deletion-rows';
import { flagEndedSessions, type RevocationSettings } from '../sessions/revoke';
import { requireProof, type ProofContext, type ProofInput } from '../proof/proof';
import { hashEmailForThrottle } from '../password/throttle';

/**
 * Proves the account holder (requireProof), deletes the user and everything stored about
 * them, and raises the KV flag of each session that was live (and of the
 * caller's), so every outstanding access token is refused.
 */
export async function deleteAccount(
  context: ProofContext & { revocation: RevocationSettings; capabilities: readonly Capability[] },
  caller: AuthContext,
  proof: ProofInput,
): Promise<{ sessionsEnded: number }> {
  const user = await requireProof(context, caller, 'account_delete', proof);
  const liveSessions = await deleteUserAndRows(
    context.env,
    context.capabilities,
    { userId: user.id, email: user.email, loginFailuresKey: await hashEmailForThrottle(user.email) },
    context.nowSeconds,
  );
  const toFlag = new Set([...(liveSessions ?? []), caller.sessionId]);
  await flagEndedSessions(context.env, toFlag, context.nowSeconds);
  return { sessionsEnded: toFlag.size };
}
