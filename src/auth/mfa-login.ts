// The second step of a password sign-in with TOTP on: the mfa_token a right password earns, and the code that completes it.

import { AuthError } from '../errors';
import { shardOf } from '../ids';
import { databaseForKey, isKnownShard, runStorage, type StorageBindings } from '../storage/database';
import { endCheckBeside, type GrantedCheck } from '../storage/login-attempts';
import type { LockoutPolicy } from '../storage/login-failures';
import { deleteMfaTokenStatement, insertMfaTokenStatement, spendMfaTokenAttempt } from '../storage/totp-factors';
import type { UserRecord } from '../storage/users';
import type { ClientInfo } from './client-info';
import { hashMfaToken, looksLikeMfaToken, newMfaToken } from './mfa-secrets';
import { checkSecondFactor, type SecondFactorInput } from './second-factor';
import { openSignInSession } from './sign-in-session';
import type { IssuedSession } from './token-response';

/** An mfa_token lives this long. */
export const MFA_TOKEN_TTL_SECONDS = 300;
/** Codes one mfa_token allows. */
export const MFA_TOKEN_ATTEMPTS = 5;
/** The second factors `mfa_required` offers. */
export const MFA_METHODS = ['totp', 'recovery_code'] as const;

/**
 * After a right password on an account with TOTP on: stores a new
 * mfa_token and gives the password's lockout claim back without forgetting
 * earlier failures (only a completed sign-in does that), in one batch, then
 * answers 403 `mfa_required` with the token. No session is opened.
 */
export async function requireSecondFactor(
  env: StorageBindings,
  user: Pick<UserRecord, 'id'>,
  check: GrantedCheck | null,
  nowSeconds: number,
): Promise<never> {
  const token = newMfaToken(shardOf(user.id) ?? undefined);
  const db = databaseForKey(env, user.id);
  const insert = insertMfaTokenStatement(db, await hashMfaToken(token), user.id, MFA_TOKEN_ATTEMPTS, nowSeconds + MFA_TOKEN_TTL_SECONDS);
  // The claim lives on the email's home shard: given back in this batch when that is the user's shard, else right after.
  const ending = endCheckBeside(env, user.id, check, 'release', nowSeconds);
  await runStorage('issue mfa token', () => db.batch([insert, ...ending.statements]));
  await ending.afterwards();
  throw new AuthError('mfa_required', 'Enter the code from your authenticator app, or a recovery code.', {
    details: { mfa_token: token, methods: [...MFA_METHODS] },
    logReason: 'second factor required',
  });
}

/** What completing a sign-in needs. */
export interface MfaLoginContext {
  env: StorageBindings;
  nowSeconds: number;
  refreshTokenTtlSeconds: number;
  lockout: LockoutPolicy;
  client: ClientInfo;
  encryptionSecret: string | undefined;
}

function invalidMfaToken(logReason: string): AuthError {
  return new AuthError('invalid_mfa_token', 'This sign-in has expired or is already complete. Sign in with your password again.', { logReason });
}

/**
 * Completes a sign-in with its mfa_token and a code: spends one of the
 * token's 5 attempts (401 `invalid_mfa_token` once spent, expired, used or
 * unknown), checks the code under the account lockout (`checkSecondFactor`),
 * then opens the session, settles the claim and deletes the token in one
 * batch. The session's `amr` says which second factor was used.
 */
export async function completeMfaSignIn(context: MfaLoginContext, mfaToken: string, input: SecondFactorInput): Promise<IssuedSession> {
  if (!looksLikeMfaToken(mfaToken)) throw invalidMfaToken('malformed mfa token');
  if (!isKnownShard(context.env, shardOf(mfaToken))) throw invalidMfaToken('names no shard of this deployment');
  const tokenHash = await hashMfaToken(mfaToken);
  const found = await spendMfaTokenAttempt(context.env, tokenHash, context.nowSeconds, mfaToken);
  if (!found) throw invalidMfaToken('mfa token unknown, expired, spent or used');
  const { user, factor } = found;
  if (!factor || factor.enabledAt === null) throw invalidMfaToken('totp no longer enabled');
  const passed = await checkSecondFactor(context, user, factor, input, null);

  const signIn = { client: context.client, nowSeconds: context.nowSeconds, refreshTokenTtlSeconds: context.refreshTokenTtlSeconds, amr: passed.amr };
  const extraStatements = [deleteMfaTokenStatement(databaseForKey(context.env, user.id), tokenHash)];
  return openSignInSession(context.env, user, { ...signIn, check: passed, extraStatements, operation: 'open mfa session' });
}
