// The statements that open a signed-in session (its row and the login_succeeded event), shared by every way to sign in.

import { newSessionId, shardOf } from '../ids';
import { insertAuthEventStatement } from '../storage/auth-events';
import { databaseForKey, type StorageBindings } from '../storage/database';
import { openSessionStatements } from '../storage/sessions';
import type { ClientInfo } from './client-info';
import { newSessionCredentials } from './session-credentials';

/** A session about to open: the batch to run (more statements may join it) and what the tokens need. */
export interface PreparedSignIn {
  sessionId: string;
  statements: D1PreparedStatement[];
  refreshToken: string;
  sessionExpiresAt: number;
}

/**
 * Draws a session id and its first refresh token and builds the statements
 * that open the session and record `login_succeeded`. The caller adds what
 * its sign-in also writes and runs them in one batch.
 */
export async function prepareSignInSession(
  env: StorageBindings,
  signIn: { userId: string; client: ClientInfo; nowSeconds: number; refreshTokenTtlSeconds: number; amr?: readonly string[] },
): Promise<PreparedSignIn> {
  // The session lives on its user's shard, so its id carries that prefix.
  const sessionId = newSessionId(shardOf(signIn.userId) ?? undefined);
  const credentials = await newSessionCredentials(sessionId);
  const sessionExpiresAt = signIn.nowSeconds + signIn.refreshTokenTtlSeconds;
  const { client, nowSeconds, userId } = signIn;
  const statements = openSessionStatements(env, {
    sessionId,
    userId,
    refreshTokenHash: credentials.refreshTokenHash,
    reuseProofHash: credentials.reuseProofHash,
    createdAt: nowSeconds,
    expiresAt: sessionExpiresAt,
    userAgent: client.userAgent,
    ip: client.ip,
    country: client.country,
    ...(signIn.amr === undefined ? {} : { amr: signIn.amr }),
  });
  statements.push(insertAuthEventStatement(databaseForKey(env, userId), { type: 'login_succeeded', userId, sessionId, client }, nowSeconds));
  return { sessionId, statements, refreshToken: credentials.refreshToken, sessionExpiresAt };
}
