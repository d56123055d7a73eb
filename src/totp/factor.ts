// Turning TOTP on and off: setup with a sealed pending secret, enable with a first code (and recovery codes), disable with a code.

import type { AuthContext } from '../http/app-env';
import { AuthError } from '../core/errors';
import { insertAuthEventStatement } from '../sessions/auth-events';
import { databaseForKey, runStorage } from '../storage/database';
import { endCheckBeside } from '../password/login-attempts';
import { deleteTotpStatements, enableTotpFactor, readTotpFactor, savePendingTotpFactor } from './totp-factor-rows';
import { randomBytes } from '../core/encoding';
import { sealTotpSecret } from '../tokens/key-sealing';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './mfa-secrets';
import { checkSecondFactor, matchTotpCode, requireEncryptionSecret, type SecondFactorContext, type SecondFactorInput } from './second-factor';
import { queueSecurityNotice } from '../account/security-notice';
import { bytesToBase32, totpUri } from './totp';

/** Bytes of a TOTP secret: 160 bits, the HMAC-SHA-1 block RFC 4226 recommends. */
const TOTP_SECRET_BYTES = 20;

/** What the caller of a TOTP action is. */
type Caller = Pick<AuthContext, 'userId' | 'email' | 'sessionId'>;

/** A new pending secret, in the two forms an authenticator app takes. */
export interface TotpSetup {
  secret: string;
  otpauthUri: string;
}

function alreadyEnabled(): AuthError {
  return new AuthError('totp_already_enabled', 'Two-factor sign-in is already on. Turn it off first to set up a new app.');
}

/**
 * Makes a new secret and stores it sealed as pending (replacing an earlier
 * pending one); 409 `totp_already_enabled` when TOTP is on. The caller has
 * checked the sign-in is recent. One round trip.
 */
export async function setUpTotp(context: SecondFactorContext, caller: Caller, issuer: string): Promise<TotpSetup> {
  const encryptionSecret = requireEncryptionSecret(context.encryptionSecret);
  const secret = randomBytes(TOTP_SECRET_BYTES);
  const sealed = await sealTotpSecret(secret, caller.userId, encryptionSecret);
  if (!(await savePendingTotpFactor(databaseForKey(context.env, caller.userId), caller.userId, sealed, context.nowSeconds))) throw alreadyEnabled();
  return { secret: bytesToBase32(secret), otpauthUri: totpUri(secret, issuer, caller.email) };
}

/**
 * Turns TOTP on with a first code from the app and returns 10 recovery
 * codes, shown once (D1 keeps only their hashes). 400 `invalid_mfa_code`
 * for a wrong code or when setup was not started; 409 when already on.
 */
export async function enableTotp(context: SecondFactorContext, caller: Caller, code: string): Promise<string[]> {
  const db = databaseForKey(context.env, caller.userId);
  const factor = await readTotpFactor(db, caller.userId);
  if (factor?.enabledAt !== null && factor?.enabledAt !== undefined) throw alreadyEnabled();
  if (!factor) throw new AuthError('invalid_mfa_code', 'Start the set-up first, then enter the code the app shows.', { logReason: 'no pending factor', alternateStatus: true });
  const step = await matchTotpCode(context, caller.userId, factor, code);
  if (step === null) throw new AuthError('invalid_mfa_code', 'The code does not match. Check the app and the device clock.', { logReason: 'wrong code', alternateStatus: true });
  const encryptionSecret = requireEncryptionSecret(context.encryptionSecret);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode());
  const hashes = await Promise.all(codes.map((recoveryCode) => hashRecoveryCode(caller.userId, recoveryCode, encryptionSecret)));
  if (!(await enableTotpFactor(db, caller.userId, step, hashes, context.nowSeconds))) {
    throw new AuthError('invalid_mfa_code', 'That code was already used. Wait for the next one.', { logReason: 'enable lost a race or reused a step', alternateStatus: true });
  }
  await runStorage('record totp enabled', () =>
    insertAuthEventStatement(db, { type: 'totp_enabled', userId: caller.userId, sessionId: caller.sessionId, client: context.client }, context.nowSeconds).run(),
  );
  queueSecurityNotice(context.notices, caller.userId, 'totp_enabled');
  return codes;
}

/**
 * Turns TOTP off with a current code or a recovery code, checked like a
 * sign-in's (lockout, single use). 404 when TOTP is not on. Removes the
 * secret, the recovery codes and outstanding mfa_tokens in one batch.
 */
export async function disableTotp(context: SecondFactorContext, caller: Caller, input: SecondFactorInput): Promise<void> {
  const db = databaseForKey(context.env, caller.userId);
  const factor = await readTotpFactor(db, caller.userId);
  if (!factor || factor.enabledAt === null) throw new AuthError('not_found', 'Two-factor sign-in is not on for this account.');
  const passed = await checkSecondFactor(context, db, { id: caller.userId, email: caller.email }, factor, input, caller.sessionId);
  const ending = endCheckBeside(db, caller.userId, passed, 'settle', context.nowSeconds);
  await runStorage('disable totp', () =>
    db.batch([
      ...deleteTotpStatements(db, caller.userId),
      ...ending.statements,
      insertAuthEventStatement(db, { type: 'totp_disabled', userId: caller.userId, sessionId: caller.sessionId, client: context.client }, context.nowSeconds),
    ]),
  );
  await ending.afterwards();
  queueSecurityNotice(context.notices, caller.userId, 'totp_disabled');
}
