// A JWKS held in memory: fetched from one fixed URL (honouring max-age and ETag) or given as an object.
// Ours, not jose's createRemoteJWKSet: that keeps keys for a fixed time by Date.now, never revalidates (a 304 is an error to it) and fails as soon as a refetch fails,
// where the tests rely on the response's max-age, If-None-Match revalidation, an injected clock and a bounded stale window (and we also cap the response at 256 KiB).

import { importVerificationKey } from '../tokens/access';
import { SIGNING_ALGORITHMS, parsePublicSigningJwk } from '../core/signing-keys';
import type { VerificationKey, VerificationKeySource } from '../core/token-verification';
import { JwksUnavailableError } from './errors';

/** An unknown `kid` triggers a refetch at most this often. */
export const UNKNOWN_KID_REFETCH_INTERVAL_SECONDS = 30;
/** Cache lifetime when the JWKS response has no `max-age`. */
export const DEFAULT_JWKS_CACHE_SECONDS = 300;
/** A JWKS is never cached longer than this, whatever `max-age` says. */
export const MAX_JWKS_CACHE_SECONDS = 86_400;
/**
 * While the JWKS cannot be fetched, the last good keys keep verifying for at
 * most this long past their freshness; then verification fails closed (503)
 * rather than trusting keys the issuer may have removed (a compromised key).
 */
export const MAX_JWKS_STALE_SECONDS = 900;

const MAX_JWKS_BYTES = 256 * 1024;

/** Where the keys come from: a fixed URL, or a JWK Set given in code. */
export type JwksOrigin = { jwksUrl: string | URL } | { jwks: { keys: readonly unknown[] } };

export interface JwksCacheOptions {
  /** The fetch to use (defaults to the global one). */
  fetch?: typeof fetch;
  /** Current time in milliseconds (defaults to `Date.now`). */
  now?: () => number;
}

interface KeySnapshot {
  byKid: ReadonlyMap<string, VerificationKey>;
  etag: string | null;
  freshUntilMilliseconds: number;
  /** Past this, an outage no longer keeps these keys alive (`MAX_JWKS_STALE_SECONDS`). */
  staleUntilMilliseconds: number;
}

/**
 * A key source backed by a JWKS. The URL is fixed when the cache is made:
 * nothing in a token can point it elsewhere.
 */
export class JwksCache implements VerificationKeySource {
  readonly algorithms = SIGNING_ALGORITHMS;
  private readonly url: URL | null;
  private readonly fetchJwks: typeof fetch;
  private readonly now: () => number;
  private snapshot: KeySnapshot | null = null;
  private pending: Promise<KeySnapshot> | null = null;
  private lastFetchStartedMilliseconds = Number.NEGATIVE_INFINITY;
  private readonly staticKeys: Promise<KeySnapshot> | null;

  constructor(origin: JwksOrigin, options: JwksCacheOptions = {}) {
    this.fetchJwks = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    if ('jwksUrl' in origin) {
      this.url = parseJwksUrl(origin.jwksUrl);
      this.staticKeys = null;
    } else {
      this.url = null;
      this.staticKeys = importKeys(origin.jwks, null, Number.POSITIVE_INFINITY);
      this.staticKeys.catch(() => undefined);
    }
  }

  /** The key with this `kid`; refetches once per 30 s at most when it is unknown. */
  async findKey(kid: string): Promise<VerificationKey | undefined> {
    if (this.staticKeys) return (await this.staticKeys).byKid.get(kid);
    const current = this.snapshot !== null && this.now() < this.snapshot.freshUntilMilliseconds ? this.snapshot : await this.refresh();
    const key = current.byKid.get(kid);
    if (key) return key;
    if (this.now() - this.lastFetchStartedMilliseconds < UNKNOWN_KID_REFETCH_INTERVAL_SECONDS * 1000) return undefined;
    return (await this.refresh()).byKid.get(kid);
  }

  private refresh(): Promise<KeySnapshot> {
    if (!this.pending) {
      this.pending = this.fetchSnapshot().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  private async fetchSnapshot(): Promise<KeySnapshot> {
    const url = this.url as URL;
    this.lastFetchStartedMilliseconds = this.now();
    const previous = this.snapshot;
    try {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (previous?.etag) headers['If-None-Match'] = previous.etag;
      const response = await this.fetchJwks(url.href, { headers, redirect: 'manual' });
      const freshUntil = this.now() + cacheSecondsFrom(response.headers.get('Cache-Control')) * 1000;
      const staleUntil = freshUntil + MAX_JWKS_STALE_SECONDS * 1000;
      if (response.status === 304 && previous) {
        this.snapshot = { ...previous, freshUntilMilliseconds: freshUntil, staleUntilMilliseconds: staleUntil };
      } else if (response.status === 200) {
        this.snapshot = { ...(await importKeys(await readJsonBody(response), response.headers.get('ETag'), freshUntil)), staleUntilMilliseconds: staleUntil };
      } else {
        throw new JwksUnavailableError(`JWKS answered HTTP ${response.status}`);
      }
      return this.snapshot;
    } catch (error) {
      // Keep verifying with the last good keys through a short outage (retrying no sooner than the
      // refetch interval), but only within the stale window: removed keys must not live for ever.
      if (previous && this.now() < previous.staleUntilMilliseconds) {
        const retryAt = Math.min(previous.staleUntilMilliseconds, this.now() + UNKNOWN_KID_REFETCH_INTERVAL_SECONDS * 1000);
        this.snapshot = { ...previous, freshUntilMilliseconds: retryAt };
        return this.snapshot;
      }
      this.snapshot = null;
      if (error instanceof JwksUnavailableError) throw error;
      throw new JwksUnavailableError(`JWKS fetch failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function parseJwksUrl(value: string | URL): URL {
  const url = new URL(value);
  const isLoopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback)) {
    throw new TypeError('jwksUrl must be an https URL (http only for localhost)');
  }
  return url;
}

/** Seconds to cache a response for: its `max-age`, capped; none for no-store/no-cache. */
export function cacheSecondsFrom(cacheControl: string | null): number {
  if (cacheControl === null) return DEFAULT_JWKS_CACHE_SECONDS;
  if (/(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|$)/i.test(cacheControl)) return 0;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl)?.[1];
  if (maxAge === undefined) return DEFAULT_JWKS_CACHE_SECONDS;
  return Math.min(Number(maxAge), MAX_JWKS_CACHE_SECONDS);
}

async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length > MAX_JWKS_BYTES) throw new JwksUnavailableError('JWKS response is too large');
  try {
    return JSON.parse(text);
  } catch {
    throw new JwksUnavailableError('JWKS response is not JSON');
  }
}

/** Imports every usable signing key of a JWK Set; keys for other purposes or algorithms are skipped. */
async function importKeys(document: unknown, etag: string | null, freshUntilMilliseconds: number): Promise<KeySnapshot> {
  return { ...(await importKeyMap(document)), etag, freshUntilMilliseconds, staleUntilMilliseconds: Number.POSITIVE_INFINITY };
}

async function importKeyMap(document: unknown): Promise<{ byKid: ReadonlyMap<string, VerificationKey> }> {
  const keys = typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new JwksUnavailableError('JWKS has no "keys" array');
  const byKid = new Map<string, VerificationKey>();
  for (const [index, candidate] of keys.entries()) {
    const jwk = parsePublicSigningJwk(candidate, `key ${index}`);
    if (typeof jwk === 'string' || byKid.has(jwk.kid)) continue;
    try {
      byKid.set(jwk.kid, await importVerificationKey(jwk));
    } catch {
      // Key material WebCrypto refuses cannot verify anything: leave it out.
    }
  }
  return { byKid };
}
