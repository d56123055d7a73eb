// D1 queries on webauthn_challenges: issuing a challenge and consuming it once (DELETE ... RETURNING).

import { DEFAULT_SHARD } from '../core/ids';
import { databaseForShard, isKnownShard, runStorage, shardMapOf, type StorageBindings } from '../storage/database';

/** What a challenge is for: a registration (bound to its user) or a sign-in (no user yet). */
export type ChallengePurpose = 'register' | 'login';

/**
 * The shard that stores a new sign-in challenge (its name starts the
 * challenge): any shard taking new rows, at random, so sign-ins spread.
 */
export function shardForLoginChallenge(env: StorageBindings): string {
  const growing = shardMapOf(env).growing;
  return growing[Math.floor(Math.random() * growing.length)]?.id ?? DEFAULT_SHARD;
}

/**
 * The database holding a sign-in challenge, from the shard named at its
 * start; `null` when it names none. Cross-shard lookup: a sign-in has no
 * user yet, so the challenge itself says where it lives.
 */
export function databaseForLoginChallenge(env: StorageBindings, challengeShard: string | null): D1Database | null {
  return isKnownShard(env, challengeShard) ? databaseForShard(env, challengeShard) : null;
}

/** A statement storing a challenge until `expiresAt` (one row written). */
export function insertChallengeStatement(db: D1Database, challenge: string, purpose: ChallengePurpose, userId: string | null, expiresAt: number): D1PreparedStatement {
  return db.prepare('INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES (?1, ?2, ?3, ?4)').bind(challenge, purpose, userId, expiresAt);
}

/** Stores a registration challenge on its user's shard (`db`). One round trip. */
export async function issueRegistrationChallenge(db: D1Database, userId: string, challenge: string, expiresAt: number): Promise<void> {
  await runStorage('issue passkey challenge', () => insertChallengeStatement(db, challenge, 'register', userId, expiresAt).run());
}

/**
 * Stores a sign-in challenge on the shard its name starts with. One round
 * trip. Cross-shard lookup: the challenge carries no user.
 */
export async function issueLoginChallenge(env: StorageBindings, challenge: string, challengeShard: string, expiresAt: number): Promise<void> {
  const db = databaseForShard(env, challengeShard);
  await runStorage('issue passkey challenge', () => insertChallengeStatement(db, challenge, 'login', null, expiresAt).run());
}

/**
 * A statement that consumes a live challenge of this purpose (and user, for
 * a registration): it returns the challenge only to the one request that
 * deleted it, so a challenge works once even under concurrency.
 */
export function consumeChallengeStatement(db: D1Database, challenge: string, purpose: ChallengePurpose, userId: string | null, nowSeconds: number): D1PreparedStatement {
  return db
    .prepare('DELETE FROM webauthn_challenges WHERE challenge = ?1 AND purpose = ?2 AND user_id IS ?3 AND expires_at > ?4 RETURNING challenge')
    .bind(challenge, purpose, userId, nowSeconds);
}

/** SQL true while a live registration challenge of the user exists (?c challenge, ?u user, ?t now). */
export function liveRegistrationChallengeSql(challenge: string, user: string, now: string): string {
  return `EXISTS (SELECT 1 FROM webauthn_challenges WHERE challenge = ${challenge} AND purpose = 'register' AND user_id = ${user} AND expires_at > ${now})`;
}
