// Redeeming an authorization code (oauth_codes): consumed in one batch that also tells a first use from a reuse.

import { databaseOfKnownShard, runStorage, type StorageBindings } from '../storage/database';
import { hashCode } from './code-rows';

/** Marks a consumed code's row: its key becomes `used:` + the hash, kept until the expiry sweep to catch a reuse. */
const USED_PREFIX = 'used:';

/** A code as issued, with the user's address for the ID token. */
export interface RedeemedCode {
  grantId: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | null;
  resource: string | null;
  scopes: string[];
  authTime: number;
  amr: string[];
  expiresAt: number;
  email: string | null;
  emailVerified: boolean;
}

/** What presenting a code found: it consumed the code now, the code was consumed before (its grant), or nothing. */
export type Redemption = { kind: 'consumed'; code: RedeemedCode } | { kind: 'reused'; grantId: string; userId: string } | { kind: 'unknown' };

interface CodeRow {
  grant_id: string;
  user_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  nonce: string | null;
  resource: string | null;
  scope: string;
  auth_time: number;
  amr: string;
  expires_at: number;
}

/**
 * Consumes a code in one D1 round trip (one transaction): whether it was
 * already used, the conditional rename that consumes it (RETURNING the row),
 * and the user's address. Only one of two concurrent redemptions can rename it.
 */
export async function redeemCode(env: StorageBindings, code: string): Promise<Redemption> {
  const db = databaseOfKnownShard(env, code);
  if (db === null) return { kind: 'unknown' };
  const hash = await hashCode(code);
  const [used, consumed, user] = await runStorage('redeem_oauth_code', () =>
    db.batch([
      db.prepare('SELECT grant_id, user_id FROM oauth_codes WHERE code_hash = ?1').bind(USED_PREFIX + hash),
      db
        .prepare(
          `UPDATE oauth_codes SET code_hash = ?2 WHERE code_hash = ?1
           RETURNING grant_id, user_id, client_id, redirect_uri, code_challenge, nonce, resource, scope, auth_time, amr, expires_at`,
        )
        .bind(hash, USED_PREFIX + hash),
      db
        .prepare('SELECT email, email_verified FROM users WHERE id = (SELECT user_id FROM oauth_codes WHERE code_hash = ?1)')
        .bind(USED_PREFIX + hash),
    ]),
  );
  const row = (consumed?.results[0] as CodeRow | undefined) ?? null;
  if (row === null) {
    const previous = used?.results[0] as { grant_id: string; user_id: string } | undefined;
    return previous ? { kind: 'reused', grantId: previous.grant_id, userId: previous.user_id } : { kind: 'unknown' };
  }
  const account = user?.results[0] as { email: string; email_verified: number } | undefined;
  return {
    kind: 'consumed',
    code: {
      grantId: row.grant_id, userId: row.user_id, clientId: row.client_id, redirectUri: row.redirect_uri, codeChallenge: row.code_challenge,
      nonce: row.nonce, resource: row.resource, scopes: row.scope.split(' ').filter((scope) => scope !== ''), authTime: row.auth_time,
      amr: JSON.parse(row.amr) as string[], expiresAt: row.expires_at, email: account?.email ?? null, emailVerified: account?.email_verified === 1,
    },
  };
}
