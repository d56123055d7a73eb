// D1 queries on passkeys: registering one against its challenge, listing, the sign-in lookup and counter, and removal.

import type { StoredPublicKey } from './webauthn/public-key';
import { insertAuthEventStatement, type EventClient } from '../sessions/auth-events';
import { runStorage } from '../storage/database';
import { removeSignInMethod, type SignInMethodRemoval, type SignInMethodTable } from '../account/sign-in-methods';
import { parseRoles, parseStringArray } from '../storage/users';
import { consumeChallengeStatement, liveRegistrationChallengeSql } from './challenge-rows';

/** A passkey as the list shows it. */
export interface PasskeySummary {
  credentialId: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A passkey to store once its registration verified. */
export interface NewPasskey {
  userId: string;
  credentialId: string;
  name: string;
  publicKey: StoredPublicKey;
  signCount: number;
  backupEligible: boolean;
  backedUp: boolean;
  transports: readonly string[];
  createdAt: number;
}

/**
 * Stores the passkey only if its registration challenge is still live for
 * this user, records `passkey_added`, and consumes the challenge: one batch
 * (one round trip, one transaction), so a challenge registers at most one
 * passkey. Returns `added: false` when the challenge was gone (used,
 * expired, or another user's) or the account already has this credential.
 */
export async function insertPasskeyWithChallenge(db: D1Database, passkey: NewPasskey, challenge: string, client: EventClient): Promise<{ added: boolean }> {
  const now = passkey.createdAt;
  const insert = db
    .prepare(
      `INSERT INTO passkeys (user_id, credential_id, name, public_key, algorithm, sign_count, backup_eligible, backed_up, transports, created_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE ${liveRegistrationChallengeSql('?11', '?1', '?10')}
       ON CONFLICT (user_id, credential_id) DO NOTHING RETURNING credential_id`,
    )
    .bind(
      passkey.userId,
      passkey.credentialId,
      passkey.name,
      JSON.stringify(passkey.publicKey.jwk),
      passkey.publicKey.algorithm,
      passkey.signCount,
      passkey.backupEligible ? 1 : 0,
      passkey.backedUp ? 1 : 0,
      JSON.stringify(passkey.transports),
      now,
      challenge,
    );
  // The event lands only with the passkey: its condition is the insert's, read after it.
  const event = insertAuthEventStatement(db, { type: 'passkey_added', userId: passkey.userId, sessionId: null, client }, now, {
    sql: 'EXISTS (SELECT 1 FROM passkeys WHERE user_id = ?2 AND credential_id = ?8 AND created_at = ?7) AND EXISTS (SELECT 1 FROM webauthn_challenges WHERE challenge = ?9)',
    parameters: [passkey.credentialId, challenge],
  });
  const consume = consumeChallengeStatement(db, challenge, 'register', passkey.userId, now);
  const results = await runStorage('register passkey', () => db.batch([insert, event, consume]));
  return { added: (results[0]?.results.length ?? 0) === 1 };
}

/** The credential ids the user has (for `excludeCredentials`). */
export function listCredentialDescriptorsStatement(db: D1Database, userId: string): D1PreparedStatement {
  return db.prepare('SELECT credential_id, transports FROM passkeys WHERE user_id = ?1 ORDER BY created_at').bind(userId);
}

/** Reads the rows of `listCredentialDescriptorsStatement`. */
export function readCredentialDescriptors(result: D1Result | undefined): { id: string; transports: string[] }[] {
  return ((result?.results ?? []) as { credential_id: string; transports: string }[]).map((row) => ({ id: row.credential_id, transports: parseStringArray(row.transports) }));
}

/** The user's passkeys, oldest first, from the database of the user's shard. One round trip. */
export async function listPasskeys(db: D1Database, userId: string): Promise<PasskeySummary[]> {
  const { results } = await runStorage('list passkeys', () =>
    db
      .prepare('SELECT credential_id, name, created_at, last_used_at FROM passkeys WHERE user_id = ?1 ORDER BY created_at, credential_id')
      .bind(userId)
      .all<{ credential_id: string; name: string; created_at: number; last_used_at: number | null }>(),
  );
  return results.map((row) => ({ credentialId: row.credential_id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at }));
}

/** A passkey and its user, as a sign-in needs them. */
export interface PasskeyForLogin {
  userId: string;
  email: string;
  roles: string[];
  emailVerified: boolean;
  publicKey: StoredPublicKey;
  signCount: number;
}

/** A statement reading the passkey (by user and credential id: its primary key) with its user. */
export function findPasskeyForLoginStatement(db: D1Database, userId: string, credentialId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT p.user_id, p.public_key, p.algorithm, p.sign_count, u.email, u.roles, u.email_verified
       FROM passkeys p JOIN users u ON u.id = p.user_id WHERE p.user_id = ?1 AND p.credential_id = ?2`,
    )
    .bind(userId, credentialId);
}

/** Reads the row of `findPasskeyForLoginStatement`; `null` when there is none or its key does not parse. */
export function readPasskeyForLogin(result: D1Result | undefined): PasskeyForLogin | null {
  const row = result?.results[0] as
    | { user_id: string; public_key: string; algorithm: number; sign_count: number; email: string; roles: string; email_verified: number }
    | undefined;
  if (!row) return null;
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(row.public_key) as JsonWebKey;
  } catch {
    return null;
  }
  return {
    userId: row.user_id,
    email: row.email,
    roles: parseRoles(row.roles),
    emailVerified: row.email_verified === 1,
    publicKey: { algorithm: row.algorithm, jwk },
    signCount: row.sign_count,
  };
}

/** A statement recording a sign-in with the passkey: its new counter (never lowered) and when. One row written. */
export function recordPasskeyUseStatement(db: D1Database, userId: string, credentialId: string, signCount: number, nowSeconds: number): D1PreparedStatement {
  return db
    .prepare('UPDATE passkeys SET sign_count = MAX(sign_count, ?3), last_used_at = ?4 WHERE user_id = ?1 AND credential_id = ?2')
    .bind(userId, credentialId, signCount, nowSeconds);
}

/** Statements removing every passkey of a user and their pending registration challenges (for a batch). */
export function deleteUserPasskeysStatements(db: D1Database, userId: string): D1PreparedStatement[] {
  return [db.prepare('DELETE FROM passkeys WHERE user_id = ?1').bind(userId), db.prepare('DELETE FROM webauthn_challenges WHERE user_id = ?1').bind(userId)];
}

/** What removing a passkey did. */
export type PasskeyRemoval = SignInMethodRemoval;

const PASSKEYS: SignInMethodTable = { table: 'passkeys', idColumn: 'credential_id', event: 'passkey_removed', returning: 'credential_id', operation: 'remove passkey' };

/** Removes the user's passkey unless it is their last way to sign in, and records `passkey_removed`: one round trip. */
export async function deletePasskey(db: D1Database, userId: string, credentialId: string, nowSeconds: number, client: EventClient): Promise<PasskeyRemoval> {
  return (await removeSignInMethod(db, PASSKEYS, userId, credentialId, nowSeconds, client)).outcome;
}

/** A passkey sign-in that failed the counter rule: the security event, one row. */
export async function recordCounterRegression(db: D1Database, userId: string, nowSeconds: number, client: EventClient): Promise<void> {
  await runStorage('record counter regression', () => insertAuthEventStatement(db, { type: 'passkey_counter_regressed', userId, sessionId: null, client }, nowSeconds).run());
}
