// Opening the session of a sign-in (its row, the login_succeeded event, the claim's settlement), shared by every way to sign in.

import { newSessionId, shardOf } from '../core/ids';
import { insertAuthEventStatement } from './auth-events';
import { endCheckBeside, type GrantedCheck } from '../password/login-attempts';
import { openSessionStatements, runBatch } from './session-rows';
import type { ClientInfo } from '../http/client-info';
import { newSessionCredentials } from './session-credentials';
import { PASSWORD_AMR, type IssuedSession } from './token-response';

/** Who signs in: what the access token names. */
export interface SignInUser {
  id: string;
  email: string;
  roles: readonly string[];
  emailVerified: boolean;
}

/** A sign-in that passed its checks, about to open its session. */
export interface SignIn {
  client: ClientInfo;
  nowSeconds: number;
  refreshTokenTtlSeconds: number;
  /** RFC 8176 methods; a plain password's `["pwd"]` is the default, which the session row stores as null. */
  amr: readonly string[];
  /** The lockout claim the sign-in was checked under: settled as a success with the session. */
  check?: GrantedCheck | null;
  /** What this way of signing in also writes on the user's shard, in the same batch. */
  extraStatements?: D1PreparedStatement[];
  /** Runs once the batch ran, with the results of `extraStatements` (in order). */
  afterExtraStatements?: (results: readonly D1Result[]) => Promise<unknown>;
  /** Names the batch in logs and errors. */
  operation: string;
}

function isPasswordOnly(amr: readonly string[]): boolean {
  return amr.length === PASSWORD_AMR.length && amr.every((method, index) => method === PASSWORD_AMR[index]);
}

/**
 * Opens the session of a sign-in: draws its id (on the user's shard) and
 * first refresh token, and writes the session row, `login_succeeded`, the
 * caller's extra statements and the claim's settlement in one batch. A
 * second round trip only when the email's failure record lives on another
 * shard than the user. Returns what the token response needs. `userDb`:
 * the database of the user's shard, resolved once by the sign-in.
 */
export async function openSignInSession(userDb: D1Database, user: SignInUser, signIn: SignIn): Promise<IssuedSession> {
  const { client, nowSeconds } = signIn;
  const sessionId = newSessionId(shardOf(user.id) ?? undefined);
  const credentials = await newSessionCredentials(sessionId);
  const sessionExpiresAt = nowSeconds + signIn.refreshTokenTtlSeconds;
  const statements = openSessionStatements(userDb, {
    sessionId,
    userId: user.id,
    refreshTokenHash: credentials.refreshTokenHash,
    reuseProofHash: credentials.reuseProofHash,
    createdAt: nowSeconds,
    expiresAt: sessionExpiresAt,
    userAgent: client.userAgent,
    ip: client.ip,
    country: client.country,
    ...(isPasswordOnly(signIn.amr) ? {} : { amr: signIn.amr }),
  });
  statements.push(insertAuthEventStatement(userDb, { type: 'login_succeeded', userId: user.id, sessionId, client }, nowSeconds));
  const ending = endCheckBeside(userDb, user.id, signIn.check ?? null, 'settle', nowSeconds);
  const extraStatements = signIn.extraStatements ?? [];
  const results = await runBatch(userDb, [...statements, ...ending.statements, ...extraStatements], signIn.operation);
  await ending.afterwards();
  if (signIn.afterExtraStatements) await signIn.afterExtraStatements(results.slice(results.length - extraStatements.length));
  return {
    userId: user.id,
    sessionId,
    email: user.email,
    roles: user.roles,
    emailVerified: user.emailVerified,
    authTime: nowSeconds,
    amr: signIn.amr,
    refreshToken: credentials.refreshToken,
    sessionExpiresAt,
  };
}
