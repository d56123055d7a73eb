// D1 queries for the signing_keys table (scheduled key rotation).

import { databaseForShard, replicaOf, runStorage, type StorageBindings } from '../storage/database';

/** One stored signing key; the private JWK is sealed (AES-GCM), never plain. */
export interface SigningKeyRow {
  kid: string;
  generation: number;
  alg: string;
  publicJwk: string;
  sealedPrivateJwk: string;
  createdAt: number;
  signsFrom: number;
}

interface RawSigningKeyRow {
  kid: string;
  generation: number;
  alg: string;
  public_jwk: string;
  sealed_private_jwk: string;
  created_at: number;
  signs_from: number;
}

// Keys are global, not per user: they live in the default shard's database.
const KEYS_SHARD = null;

function toSigningKeyRow(raw: RawSigningKeyRow): SigningKeyRow {
  return {
    kid: raw.kid,
    generation: raw.generation,
    alg: raw.alg,
    publicJwk: raw.public_jwk,
    sealedPrivateJwk: raw.sealed_private_jwk,
    createdAt: raw.created_at,
    signsFrom: raw.signs_from,
  };
}

/**
 * Every stored signing key, newest generation first. One D1 round trip:
 * `replica` for loading keys to sign and publish (a new key is published a
 * lead time before it signs, so seconds of lag do no harm), `primary` for
 * rotation, which decides on what it reads.
 */
export async function listSigningKeyRows(env: StorageBindings, read: 'replica' | 'primary'): Promise<SigningKeyRow[]> {
  const primary = databaseForShard(env, KEYS_SHARD);
  const db = read === 'replica' ? replicaOf(primary) : primary;
  const result = await runStorage('list signing keys', () =>
    db.prepare('SELECT kid, generation, alg, public_jwk, sealed_private_jwk, created_at, signs_from FROM signing_keys ORDER BY generation DESC').all<RawSigningKeyRow>(),
  );
  return result.results.map(toSigningKeyRow);
}

/**
 * Adds a key as generation `row.generation` unless that generation exists.
 * Returns false when another isolate won the race (the UNIQUE generation).
 */
export async function insertSigningKeyIfGenerationFree(env: StorageBindings, row: SigningKeyRow): Promise<boolean> {
  const db = databaseForShard(env, KEYS_SHARD);
  const result = await runStorage('insert signing key', () =>
    db
      .prepare(
        'INSERT OR IGNORE INTO signing_keys (kid, generation, alg, public_jwk, sealed_private_jwk, created_at, signs_from) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)',
      )
      .bind(row.kid, row.generation, row.alg, row.publicJwk, row.sealedPrivateJwk, row.createdAt, row.signsFrom)
      .run(),
  );
  return result.meta.changes === 1;
}

/** Deletes retired keys by kid. One D1 round trip. */
export async function deleteSigningKeys(env: StorageBindings, kids: readonly string[]): Promise<void> {
  if (kids.length === 0) return;
  const db = databaseForShard(env, KEYS_SHARD);
  await runStorage('delete signing keys', () => db.batch(kids.map((kid) => db.prepare('DELETE FROM signing_keys WHERE kid = ?1').bind(kid))));
}
