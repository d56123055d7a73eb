// The second step of a sign-in with TOTP on: the mfa_token a right password or a provider sign-in earns, and the code that completes it.

import { AuthError } from '../core/errors';
import { newIdentityId, shardOf } from '../core/ids';
import { databaseOfKnownShard, runStorage, type StorageBindings } from '../storage/database';
import { endCheckBeside, type GrantedCheck } from '../password/login-attempts';
import type { LockoutPolicy } from '../password/login-failures';
import { linkInSignIn, type NewIdentity } from '../providers/identity-rows';
import { deleteMfaTokenStatement, insertMfaTokenStatement, PASSWORD_ORIGIN, spendMfaTokenAttempt, type MfaTokenOrigin } from './totp-factor-rows';
import type { UserRecord } from '../storage/users';
import { requireSignInAllowed } from '../core/account-policy';
import type { ClientInfo } from '../http/client-info';
import { hashMfaToken, looksLikeMfaToken, newMfaToken } from './mfa-secrets';
import { checkSecondFactor, secondStepAmr, type SecondFactorInput } from './second-factor';
import { queueSecurityNotice, type SecurityNotices } from '../account/security-notice';
import { openSignInSession } from '../sessions/sign-in-session';
import type { IssuedSession } from '../sessions/token-response';

/** An mfa_token lives this long. */
export const MFA_TOKEN_TTL_SECONDS = 300;
/** Codes one mfa_token allows. */
export const MFA_TOKEN_ATTEMPTS = 5;
/** The second factors `mfa_required` offers. */
export const MFA_METHODS = ['totp', 'recovery_code'] as const;

/**
 * Stores a new mfa_token for a first step that passed (a right password, or
 * a provider sign-in with `origin` naming the provider and any link still to
 * write) and gives a password's lockout claim back without forgetting
 * earlier failures (only a completed sign-in does that), in one batch.
 * Returns the token; no session is opened. `userDb`: the database of the
 * user's shard.
 */
export async function issueMfaToken(
  userDb: D1Database,
  user: Pick<UserRecord, 'id'>,
  check: GrantedCheck | null,
  nowSeconds: number,
  origin: MfaTokenOrigin = PASSWORD_ORIGIN,
): Promise<string> {
  const token = newMfaToken(shardOf(user.id) ?? undefined);
  const db = userDb;
  const insert = insertMfaTokenStatement(db, await hashMfaToken(token), user.id, MFA_TOKEN_ATTEMPTS, nowSeconds + MFA_TOKEN_TTL_SECONDS, origin);
  // The claim lives on the email's home shard: given back in this batch when that is the user's shard, else right after.
  const ending = endCheckBeside(db, user.id, check, 'release', nowSeconds);
  await runStorage('issue mfa token', () => db.batch([insert, ...ending.statements]));
  await ending.afterwards();
  return token;
}

/**
 * After a right password on an account with TOTP on: issues an mfa_token
 * (`issueMfaToken`), then answers 403 `mfa_required` with it.
 */
export async function requireSecondFactor(
  userDb: D1Database,
  user: Pick<UserRecord, 'id'>,
  check: GrantedCheck | null,
  nowSeconds: number,
): Promise<never> {
  const token = await issueMfaToken(userDb, user, check, nowSeconds);
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
  /** REQUIRE_EMAIL_VERIFICATION: the step opens no session for an unverified address either. */
  requireEmailVerification: boolean;
  /** Where the owner is told of an identity the completed step links. */
  notices?: SecurityNotices;
}

function invalidMfaToken(logReason: string): AuthError {
  return new AuthError('invalid_mfa_token', 'This sign-in has expired or is already complete. Please sign in again.', { logReason });
}

/**
 * Completes a sign-in with its mfa_token and a code: spends one of the
 * token's 5 attempts (401 `invalid_mfa_token` once spent, expired, used or
 * unknown), refuses an unverified address under REQUIRE_EMAIL_VERIFICATION
 * (403 `email_not_verified`), checks the code under the account lockout
 * (`checkSecondFactor`), then opens the session, settles the claim, deletes
 * the token and writes the provider link the token carried, in one batch.
 * The session's `amr` names the first step (`pwd` or `fed`) and the second.
 */
export async function completeMfaSignIn(context: MfaLoginContext, mfaToken: string, input: SecondFactorInput): Promise<IssuedSession> {
  if (!looksLikeMfaToken(mfaToken)) throw invalidMfaToken('malformed mfa token');
  // The token's shard is its user's: the database this step writes the session to.
  const userDb = databaseOfKnownShard(context.env, mfaToken);
  if (userDb === null) throw invalidMfaToken('names no shard of this deployment');
  const tokenHash = await hashMfaToken(mfaToken);
  const found = await spendMfaTokenAttempt(userDb, tokenHash, context.nowSeconds);
  if (!found) throw invalidMfaToken('mfa token unknown, expired, spent or used');
  const { user, factor, origin } = found;
  if (!factor || factor.enabledAt === null) throw invalidMfaToken('totp no longer enabled');
  requireSignInAllowed(user, 'second_step', context.requireEmailVerification);
  const passed = await checkSecondFactor(context, userDb, user, factor, input, null);

  const amr = secondStepAmr(origin.provider === null ? 'pwd' : 'fed', input.kind);
  const signIn = { client: context.client, nowSeconds: context.nowSeconds, refreshTokenTtlSeconds: context.refreshTokenTtlSeconds, amr };
  const deleteToken = deleteMfaTokenStatement(userDb, tokenHash);
  const link = pendingIdentity(user.id, origin, context.nowSeconds);
  // The provider account of an automatic link is linked only now, with the session the step opens.
  const linking = linkInSignIn(context.env, userDb, link, context.client);
  const extraStatements = [...linking.extraStatements, deleteToken];
  const session = await openSignInSession(userDb, user, { ...signIn, check: passed, extraStatements, afterExtraStatements: linking.afterExtraStatements, operation: 'open mfa session' });
  if (link !== null) queueSecurityNotice(context.notices, user.id, 'identity_linked', link.provider);
  return session;
}

/** The identity an mfa_token waits to link, or `null`. */
function pendingIdentity(userId: string, origin: MfaTokenOrigin, nowSeconds: number): NewIdentity | null {
  if (origin.provider === null || origin.pendingLink === null) return null;
  return { id: newIdentityId(userId), userId, provider: origin.provider, subject: origin.pendingLink.subject, email: origin.pendingLink.email, createdAt: nowSeconds };
}
