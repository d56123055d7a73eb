// Signing in with a passkey: request options with a stored challenge, then the assertion opens a session like a password login.

import { AuthError } from '../core/errors';
import { databaseOfKnownShard, runStorage, type StorageBindings } from '../storage/database';
import { findPasskeyForLoginStatement, readPasskeyForLogin, type PasskeyForLogin, recordCounterRegression, recordPasskeyUseStatement } from './passkey-rows';
import { consumeChallengeStatement, databaseForLoginChallenge, issueLoginChallenge, shardForLoginChallenge } from './challenge-rows';
import { parseAssertion, passkeyAmr, verifyAssertion, type ParsedAssertion } from './webauthn/assertion';
import type { AuthenticationResponseJSON, RequestOptionsJSON } from './webauthn/json';
import { CHALLENGE_TTL_SECONDS, newChallenge, requestOptions, shardOfChallenge } from './webauthn/options';
import { requireSignInAllowed } from '../core/account-policy';
import type { PasskeyContext } from './management';
import { openSignInSession } from '../sessions/sign-in-session';
import type { IssuedSession } from '../sessions/token-response';

/** Request options for a passkey sign-in, with a fresh challenge stored for 5 minutes. One round trip. */
export async function startPasskeyLogin(context: PasskeyContext): Promise<RequestOptionsJSON> {
  const shard = shardForLoginChallenge(context.env);
  const challenge = newChallenge(shard);
  await issueLoginChallenge(context.env, challenge, shard, context.nowSeconds + CHALLENGE_TTL_SECONDS);
  return requestOptions(context.rp.id, challenge);
}

function invalidCredentials(logReason: string): AuthError {
  return new AuthError('invalid_credentials', 'The passkey was not accepted.', { logReason });
}

/**
 * Verifies a passkey assertion and opens a session, in at most two D1 round
 * trips: one batch that consumes the challenge (once, atomically) and reads
 * the passkey with its user (by the assertion's userHandle and credential
 * id); then one batch that opens the session, records the sign-in event and
 * the passkey's new counter. Every failure (unknown or removed passkey,
 * deleted user, used or expired challenge, bad signature, counter going
 * backwards) is 401 `invalid_credentials`; a counter regression also
 * records a `passkey_counter_regressed` event. A good assertion for an
 * unverified address under REQUIRE_EMAIL_VERIFICATION is 403
 * `email_not_verified`. TOTP does not stop it (`needsSecondStep`).
 */
export async function loginWithPasskey(
  context: PasskeyContext & { refreshTokenTtlSeconds: number; requireEmailVerification: boolean },
  response: AuthenticationResponseJSON,
): Promise<IssuedSession> {
  const parsed = await parseAssertion(response, context.rp);
  if (!parsed.ok) throw invalidCredentials(parsed.reason);
  const assertion = parsed.value;
  const { consumed, passkey, userDb } = await consumeChallengeAndFindPasskey(context.env, assertion, context.nowSeconds);
  if (!consumed) throw invalidCredentials('challenge unknown, used or expired');
  if (!passkey) throw invalidCredentials('no such passkey for this user');
  const verdict = await verifyAssertion(assertion, passkey);
  if (!verdict.ok) {
    if (verdict.reason === 'counter_regressed') await recordCounterRegression(userDb, passkey.userId, context.nowSeconds, context.client);
    throw invalidCredentials(verdict.reason);
  }

  const user = { id: passkey.userId, email: passkey.email, roles: passkey.roles, emailVerified: passkey.emailVerified };
  // Checked only once the assertion passed; no second step: a passkey with user verification is two factors.
  requireSignInAllowed(user, 'passkey', context.requireEmailVerification);
  const signIn = { client: context.client, nowSeconds: context.nowSeconds, refreshTokenTtlSeconds: context.refreshTokenTtlSeconds, amr: passkeyAmr(assertion.flags) };
  const extraStatements = [recordPasskeyUseStatement(userDb, passkey.userId, assertion.credentialId, verdict.value.signCount, context.nowSeconds)];
  return openSignInSession(userDb, user, { ...signIn, extraStatements, operation: 'open passkey session' });
}

/**
 * The first round trip: consume the sign-in challenge and read the passkey
 * (of the assertion's user) with its user. One batch when the challenge and
 * the user live in the same database (one shard today); two parallel reads
 * otherwise. Also how a passkey proves the account holder (see proof.ts).
 * Returns the database of the user handle's shard too: the sign-in's user
 * database from here on (the passkey is read there).
 */
export async function consumeChallengeAndFindPasskey(
  env: StorageBindings,
  assertion: ParsedAssertion,
  nowSeconds: number,
): Promise<{ consumed: boolean; passkey: PasskeyForLogin | null; userDb: D1Database }> {
  const challengeDb = databaseForLoginChallenge(env, shardOfChallenge(assertion.challenge));
  if (challengeDb === null) throw invalidCredentials('challenge names no shard');
  const userDb = databaseOfKnownShard(env, assertion.userId);
  if (userDb === null) throw invalidCredentials('user handle names no shard');
  const consume = consumeChallengeStatement(challengeDb, assertion.challenge, 'login', null, nowSeconds);
  const find = findPasskeyForLoginStatement(userDb, assertion.userId, assertion.credentialId);
  const [consumedResult, passkeyResult] =
    challengeDb === userDb
      ? await runStorage('consume challenge and find passkey', () => userDb.batch([consume, find]))
      : await Promise.all([runStorage('consume challenge', () => consume.all()), runStorage('find passkey', () => find.all())]);
  return { consumed: (consumedResult?.results.length ?? 0) === 1, passkey: readPasskeyForLogin(passkeyResult), userDb };
}
