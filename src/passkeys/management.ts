// Managing a user's passkeys: registration options, registering the browser's response, listing, removal.

import type { Config } from '../core/config';
import { AuthError } from '../core/errors';
import { DEFAULT_SHARD, shardOf } from '../core/ids';
import { publicOriginFor } from '../core/public-origin';
import { runStorage, databaseForKey, type StorageBindings } from '../storage/database';
import { deletePasskey, insertPasskeyWithChallenge, listCredentialDescriptorsStatement, readCredentialDescriptors, type PasskeySummary } from './passkey-rows';
import { insertChallengeStatement } from './challenge-rows';
import type { RelyingParty } from './webauthn/ceremony';
import type { CreationOptionsJSON, RegistrationResponseJSON } from './webauthn/json';
import { CHALLENGE_TTL_SECONDS, creationOptions, newChallenge } from './webauthn/options';
import { verifyRegistrationResponse } from './webauthn/registration';
import type { ClientInfo } from '../http/client-info';
import { queueSecurityNotice, type SecurityNotices } from '../account/security-notice';

/** The relying party of this request: WEBAUTHN_RP_ID (or the request's host name) and the allowed origins. */
export interface PasskeyRelyingParty extends RelyingParty {
  name: string;
}

/**
 * The relying party for a request: `WEBAUTHN_RP_ID`, else the public
 * origin's host name; origins are the public origin (`publicOriginFor`:
 * PUBLIC_ORIGIN, or the request's own only locally) and `ALLOWED_ORIGINS`.
 */
export function relyingPartyFor(config: Pick<Config, 'webauthn' | 'allowedOrigins' | 'publicOrigin'>, request: Request): PasskeyRelyingParty {
  const url = new URL(publicOriginFor(config, request));
  return { id: config.webauthn.rpId ?? url.hostname, name: config.webauthn.rpName, origins: new Set([url.origin, ...config.allowedOrigins]) };
}

/** What a passkey operation needs besides its input. */
export interface PasskeyContext {
  env: StorageBindings;
  nowSeconds: number;
  rp: PasskeyRelyingParty;
  client: ClientInfo;
  /** Tells the owner when a passkey is added or removed; none outside a request. */
  notices?: SecurityNotices;
}

/** The name a passkey gets when none is given. */
export const DEFAULT_PASSKEY_NAME = 'Passkey';

/**
 * Creation options for a new passkey of the signed-in user, with a fresh
 * challenge stored on the user's shard for 5 minutes; the user's existing
 * passkeys are excluded. One round trip.
 */
export async function startPasskeyRegistration(context: PasskeyContext, user: { id: string; email: string }): Promise<CreationOptionsJSON> {
  const db = databaseForKey(context.env, user.id);
  const challenge = newChallenge(shardOf(user.id) ?? DEFAULT_SHARD);
  const results = await runStorage('start passkey registration', () =>
    db.batch([
      insertChallengeStatement(db, challenge, 'register', user.id, context.nowSeconds + CHALLENGE_TTL_SECONDS),
      listCredentialDescriptorsStatement(db, user.id),
    ]),
  );
  const existingCredentials = readCredentialDescriptors(results[1]).map((row) => ({
    type: 'public-key' as const,
    id: row.id,
    ...(row.transports.length > 0 ? { transports: row.transports } : {}),
  }));
  return creationOptions({ rp: { id: context.rp.id, name: context.rp.name }, user, challenge, existingCredentials });
}

function invalidPasskey(logReason: string): AuthError {
  return new AuthError('invalid_passkey', 'The passkey could not be registered. Start again.', { logReason });
}

/**
 * Verifies the browser's registration response and stores the passkey,
 * consuming the user's challenge in the same transaction (one round trip).
 * Any failure, including a challenge that is used, expired or another
 * user's, is 400 `invalid_passkey`.
 */
export async function finishPasskeyRegistration(context: PasskeyContext, userId: string, response: RegistrationResponseJSON, name: string | undefined): Promise<PasskeySummary> {
  const verdict = await verifyRegistrationResponse(response, context.rp);
  if (!verdict.ok) throw invalidPasskey(verdict.reason);
  const registration = verdict.value;
  const passkey = {
    userId,
    credentialId: registration.credentialId,
    name: name?.trim() || DEFAULT_PASSKEY_NAME,
    publicKey: registration.publicKey,
    signCount: registration.signCount,
    backupEligible: registration.backupEligible,
    backedUp: registration.backedUp,
    transports: registration.transports,
    createdAt: context.nowSeconds,
  };
  const { added } = await insertPasskeyWithChallenge(databaseForKey(context.env, userId), passkey, registration.challenge, context.client);
  if (!added) throw invalidPasskey('challenge not live for this user, or credential already registered');
  queueSecurityNotice(context.notices, userId, 'passkey_added', passkey.name);
  return { credentialId: passkey.credentialId, name: passkey.name, createdAt: passkey.createdAt, lastUsedAt: null };
}

/**
 * Removes one of the user's passkeys: 404 when it is not theirs, 409
 * `last_sign_in_method` when the account would be left with no way to sign in.
 */
export async function removePasskey(context: PasskeyContext, userId: string, credentialId: string): Promise<void> {
  const outcome = await deletePasskey(databaseForKey(context.env, userId), userId, credentialId, context.nowSeconds, context.client);
  if (outcome === 'not_found') throw new AuthError('not_found', 'There is no such passkey on this account.');
  if (outcome === 'last_sign_in_method') {
    throw new AuthError('last_sign_in_method', 'This is the only way to sign in to the account: add another before removing it.');
  }
  queueSecurityNotice(context.notices, userId, 'passkey_removed');
}
