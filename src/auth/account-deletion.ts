// Deleting an account: step-up, every stored row gone in one batch, then every live session's KV flag raised.

import type { AuthContext } from '../app-env';
import { deleteUserAndRows } from '../storage/account-deletion';
import { flagEndedSessions, type RevocationSettings } from './revoke';
import { confirmAccountHolder, type StepUpContext } from './step-up';
import { hashEmailForThrottle } from './throttle';

/**
 * Confirms the account holder, deletes the user and everything stored about
 * them, and raises the KV flag of each session that was live (and of the
 * caller's), so every outstanding access token is refused.
 */
export async function deleteAccount(
  context: StepUpContext & { revocation: RevocationSettings },
  caller: AuthContext,
  password: string | undefined,
): Promise<{ sessionsEnded: number }> {
  const user = await confirmAccountHolder(context, caller, password);
  const liveSessions = await deleteUserAndRows(
    context.env,
    { userId: user.id, email: user.email, loginFailuresKey: await hashEmailForThrottle(user.email) },
    context.nowSeconds,
  );
  const toFlag = new Set([...(liveSessions ?? []), caller.sessionId]);
  await flagEndedSessions(context.env, toFlag, context.nowSeconds);
  return { sessionsEnded: toFlag.size };
}
