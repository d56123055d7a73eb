// Scheduled key rotation (KEY_ROTATION_DAYS): the cron adds and retires keys in D1; requests read them through a per-isolate cache.

import type { Config, RawVars } from '../core/config';
import { getConfig } from '../core/config';
import { logEvent } from '../core/log';
import { JWKS_MAX_AGE_SECONDS } from './jwks-document';
import type { StorageBindings } from '../storage/database';
import { deleteSigningKeys, insertSigningKeyIfGenerationFree, listSigningKeyRows, type SigningKeyRow } from './signing-key-rows';
import { CLOCK_SKEW_SECONDS } from './access';
import { generatePrivateSigningJwk } from './generate-key';
import { openPrivateJwk, sealPrivateJwk } from './key-sealing';
import { toPublicJwk, type PrivateSigningJwk, type SigningKeySet } from '../core/signing-keys';

/** Each isolate rereads the stored keys at most this often (one D1 read). */
export const KEY_SET_CACHE_SECONDS = 60;
/**
 * A new key signs only this long after it is stored: every isolate has read it
 * (cache) and every verifier has refetched the JWKS (max-age) by then.
 */
export const PUBLISH_LEAD_SECONDS = KEY_SET_CACHE_SECONDS + JWKS_MAX_AGE_SECONDS;
const SECONDS_PER_DAY = 86_400;

interface StoredKey {
  row: SigningKeyRow;
  jwk: PrivateSigningJwk;
}

interface CachedKeys {
  loadedAtSeconds: number;
  keys: StoredKey[];
  composed: Map<string, SigningKeySet>;
}

let cache: { pending: Promise<CachedKeys>; secret: string } | null = null;

async function loadStoredKeys(env: StorageBindings, secret: string, nowSeconds: number): Promise<CachedKeys> {
  const rows = await listSigningKeyRows(env, 'replica');
  const keys = await Promise.all(
    rows.map(async (row) => ({ row, jwk: (await openPrivateJwk(row.sealedPrivateJwk, row.kid, secret)) as PrivateSigningJwk })),
  );
  return { loadedAtSeconds: nowSeconds, keys, composed: new Map() };
}

/**
 * The stored keys, reread at most every KEY_SET_CACHE_SECONDS. Given
 * `waitUntil`, a set that is stale but younger than the publish lead is
 * answered at once and reread in the background, so a busy isolate's requests
 * never wait for D1; the first request of an isolate (or one idle for minutes) does.
 */
async function readStoredKeys(env: StorageBindings, secret: string, nowSeconds: number, waitUntil?: WaitUntil): Promise<CachedKeys> {
  const previous = cache && cache.secret === secret ? await cache.pending.catch(() => null) : null;
  if (previous && nowSeconds - previous.loadedAtSeconds < KEY_SET_CACHE_SECONDS) return previous;
  const pending = loadStoredKeys(env, secret, nowSeconds).catch((error: unknown) => {
    // A failed reread keeps the last good keys until the next interval.
    if (previous) return { ...previous, loadedAtSeconds: nowSeconds };
    cache = null;
    throw error;
  });
  cache = { pending, secret };
  // A set younger than the publish lead holds every key that may sign now, so it can still serve.
  if (previous && waitUntil && nowSeconds - previous.loadedAtSeconds < PUBLISH_LEAD_SECONDS - KEY_SET_CACHE_SECONDS) {
    waitUntil(pending);
    return previous;
  }
  return pending;
}

/** `ExecutionContext.waitUntil`: keeps background work alive after the response. */
export type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * The key set in force at `nowSeconds`: with rotation off, JWT_SIGNING_KEYS;
 * with rotation on, the newest stored key whose time has come signs, and every
 * stored key plus JWT_SIGNING_KEYS is published.
 */
export async function resolveSigningKeys(env: StorageBindings, config: Config, nowSeconds: number, waitUntil?: WaitUntil): Promise<SigningKeySet> {
  if (!config.keyRotation) return config.signingKeys;
  const stored = await readStoredKeys(env, config.keyRotation.encryptionSecret, nowSeconds, waitUntil);
  const signer = stored.keys.find((key) => key.row.signsFrom <= nowSeconds);
  const compositionKey = `${config.signingKeys.source}\n${signer?.row.kid ?? ''}`;
  let set = stored.composed.get(compositionKey);
  if (!set) {
    const storedJwks = stored.keys.map((key) => key.jwk);
    const ordered = signer ? [signer.jwk, ...storedJwks.filter((jwk) => jwk !== signer.jwk), ...config.signingKeys.keys] : [...config.signingKeys.keys, ...storedJwks];
    set = { source: JSON.stringify({ keys: ordered }), keys: ordered };
    stored.composed.set(compositionKey, set);
  }
  return set;
}

/** The config with its key set resolved for this moment (the same object when rotation is off). */
export async function withCurrentSigningKeys(env: StorageBindings, config: Config, nowSeconds: number, waitUntil?: WaitUntil): Promise<Config> {
  if (!config.keyRotation) return config;
  return { ...config, signingKeys: await resolveSigningKeys(env, config, nowSeconds, waitUntil) };
}

/**
 * The cron's job when KEY_ROTATION_DAYS is set: add the next key one publish
 * lead before the newest has signed for KEY_ROTATION_DAYS, and delete keys
 * whose successor has signed for longer than the longest access-token
 * lifetime. Safe to run from several isolates at once: the generation number
 * is unique, so only one of them adds a key.
 */
export async function rotateSigningKeysIfDue(env: StorageBindings & RawVars, nowSeconds: number): Promise<{ created: string | null; retired: string[] }> {
  const config = getConfig(env as RawVars);
  if (!config.keyRotation) return { created: null, retired: [] };
  const rows = await listSigningKeyRows(env, 'primary');
  const newest = rows[0];
  let created: string | null = null;
  if (!newest || nowSeconds >= newest.signsFrom + config.keyRotation.days * SECONDS_PER_DAY - PUBLISH_LEAD_SECONDS) {
    const alg = config.signingKeys.keys[0]?.alg ?? 'EdDSA';
    const jwk = await generatePrivateSigningJwk(alg, nowSeconds);
    const inserted = await insertSigningKeyIfGenerationFree(env, {
      kid: jwk.kid,
      generation: (newest?.generation ?? 0) + 1,
      alg,
      publicJwk: JSON.stringify(toPublicJwk(jwk)),
      sealedPrivateJwk: await sealPrivateJwk(jwk, jwk.kid, config.keyRotation.encryptionSecret),
      createdAt: nowSeconds,
      signsFrom: nowSeconds + PUBLISH_LEAD_SECONDS,
    });
    if (inserted) created = jwk.kid;
  }
  const retired = retirableKids(rows, nowSeconds, config.accessTokenTtlSeconds + CLOCK_SKEW_SECONDS);
  await deleteSigningKeys(env, retired);
  if (created || retired.length > 0) {
    cache = null;
    logEvent('info', 'signing_keys_rotated', { created, retired });
  }
  return { created, retired };
}

/** Keys (rows newest first) whose successor has signed for longer than the longest token lifetime. */
function retirableKids(rows: readonly SigningKeyRow[], nowSeconds: number, longestTokenLifetimeSeconds: number): string[] {
  const retired: string[] = [];
  for (let index = 1; index < rows.length; index++) {
    const successor = rows[index - 1] as SigningKeyRow;
    if (nowSeconds >= successor.signsFrom + longestTokenLifetimeSeconds) retired.push((rows[index] as SigningKeyRow).kid);
  }
  return retired;
}
