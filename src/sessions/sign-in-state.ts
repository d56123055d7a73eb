// The browser's sign-in state for pages other sites redirect to (the authorization endpoint, the hosted sign-in page):
// a __Host- SameSite=Lax cookie naming the session, MACed with a key derived from KEY_ENCRYPTION_SECRET.

import { ConfigError } from '../core/errors';
import { base64UrlToBytes, bytesToBase64Url, utf8 } from '../core/encoding';
import { databaseOfKnownShard, runStorage, type StorageBindings } from '../storage/database';
import { PASSWORD_AMR } from './token-response';

/**
 * `__Host-`: only this host sets it. SameSite=Lax, whatever COOKIE_SAMESITE
 * says: a client app sends the browser here with a cross-site top-level GET,
 * which carries Lax cookies and never Strict ones. It holds no token: only
 * the session id and user id under a MAC; the session row decides.
 */
export const SIGN_IN_STATE_COOKIE_NAME = '__Host-edge_auth_signin';

const HKDF_INFO = 'edge-auth sign-in-state mac v1';

/** What the sign-in state says about the browser, read from its live session. */
export interface SignInState {
  userId: string;
  sessionId: string;
  /** When the session signed in (OIDC `auth_time`). */
  authTimeSeconds: number;
  /** How it signed in (RFC 8176 values, e.g. `["pwd"]`, `["pwd","otp","mfa"]`, `["hwk","user"]`). */
  amr: string[];
}

const macKeys = new Map<string, Promise<CryptoKey>>();

function macKey(secret: string | undefined): Promise<CryptoKey> {
  if (secret === undefined) throw new ConfigError('KEY_ENCRYPTION_SECRET', 'is needed for the sign-in state cookie');
  let key = macKeys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey'])
      .then((material) =>
        crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(HKDF_INFO) }, material, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, ['sign', 'verify']),
      );
    macKeys.set(secret, key);
  }
  return key;
}

/**
 * The `Set-Cookie` value that marks this browser signed in as `sessionId`
 * for `maxAgeSeconds` (the session's remaining life). Set it beside the
 * refresh cookie whenever a browser signs in through a page.
 *
 * @example
 * c.header('Set-Cookie', await signInStateCookie(config.keyEncryptionSecret, session.userId, session.sessionId, ttl), { append: true });
 */
export async function signInStateCookie(secret: string | undefined, userId: string, sessionId: string, maxAgeSeconds: number): Promise<string> {
  const payload = `${sessionId}~${userId}`;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await macKey(secret), utf8(payload)));
  const value = `${bytesToBase64Url(utf8(payload))}.${bytesToBase64Url(mac)}`;
  return `${SIGN_IN_STATE_COOKIE_NAME}=${value}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** The `Set-Cookie` value that forgets the sign-in state (logout, a revoked session). */
export function clearedSignInStateCookie(): string {
  return `${SIGN_IN_STATE_COOKIE_NAME}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0`;
}

/** The cookie's value from a `Cookie` header; `null` when absent or present more than once (a tossed duplicate names nobody). */
function readCookieValue(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const values = cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${SIGN_IN_STATE_COOKIE_NAME}=`))
    .map((pair) => pair.slice(SIGN_IN_STATE_COOKIE_NAME.length + 1));
  return values.length === 1 ? (values[0] ?? null) : null;
}

/**
 * The browser's sign-in state: the MAC must verify and the session must be
 * live (not revoked, not expired) on its shard, read from the primary so a
 * logout counts at once. `null` means "not signed in": never an error for a
 * missing, forged or stale cookie.
 */
export async function readSignInState(
  env: StorageBindings,
  secret: string | undefined,
  cookieHeader: string | null,
  nowSeconds: number,
): Promise<SignInState | null> {
  const value = readCookieValue(cookieHeader);
  if (value === null) return null;
  const [encodedPayload, encodedMac, ...rest] = value.split('.');
  if (rest.length > 0 || !encodedPayload || !encodedMac) return null;
  const payloadBytes = base64UrlToBytes(encodedPayload);
  const mac = base64UrlToBytes(encodedMac);
  if (!payloadBytes || !mac) return null;
  if (!(await crypto.subtle.verify('HMAC', await macKey(secret), mac, payloadBytes))) return null;
  const [sessionId, userId, ...extra] = new TextDecoder().decode(payloadBytes).split('~');
  if (extra.length > 0 || !sessionId || !userId) return null;
  const db = databaseOfKnownShard(env, sessionId);
  if (db === null) return null;
  const row = await runStorage('read sign-in state', () =>
    db
      .prepare('SELECT created_at, amr FROM sessions WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL AND expires_at > ?3')
      .bind(sessionId, userId, nowSeconds)
      .first<{ created_at: number; amr: string | null }>(),
  );
  if (!row) return null;
  return { userId, sessionId, authTimeSeconds: row.created_at, amr: parseAmr(row.amr) };
}

/** A row without `amr` signed in with a password alone: rows store it only when it says more (sign-in-session.ts). */
function parseAmr(text: string | null): string[] {
  if (text === null) return [...PASSWORD_AMR];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((entry): entry is string => typeof entry === 'string') : [];
  } catch {
    return [];
  }
}
