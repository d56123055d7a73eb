// Authorization codes (oauth_codes, migration 0015) and the grant they belong to (oauth_grants), on the user's shard.

import { bytesToBase64Url, bytesToHex, randomBytes, utf8 } from '../core/encoding';
import { shardOf, DEFAULT_SHARD } from '../core/ids';
import { databaseForKey, runStorage, type StorageBindings } from '../storage/database';

/** How long a code may wait for the token endpoint (OAuth 2.1 asks for a short life). */
export const CODE_TTL_SECONDS = 60;

/** What the token endpoint needs to redeem a code. */
export interface CodeIssue {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  resource: string | undefined;
  scopes: readonly string[];
  authTimeSeconds: number;
  amr: readonly string[];
}

/** SHA-256 (hex) of a code, as stored. */
export async function hashCode(code: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(code))));
}

/** The user's live grant to a client, or `null`: the consent they gave before. */
export async function findLiveGrant(db: D1Database, userId: string, clientId: string): Promise<{ id: string; scopes: string[] } | null> {
  const row = await runStorage('find_oauth_grant', () =>
    db
      .prepare('SELECT id, scopes FROM oauth_grants WHERE user_id = ?1 AND client_id = ?2 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1')
      .bind(userId, clientId)
      .first<{ id: string; scopes: string }>(),
  );
  return row === null ? null : { id: row.id, scopes: row.scopes.split(' ').filter((scope) => scope !== '') };
}

/**
 * Stores a new code and, in the same batch, the grant it belongs to: a new
 * one, or the live grant widened to the new scopes. The code starts with the
 * user's shard so the token endpoint finds it in one lookup.
 */
export async function issueCode(env: StorageBindings, issue: CodeIssue, nowSeconds: number): Promise<string> {
  const shard = shardOf(issue.userId) ?? DEFAULT_SHARD;
  const db = databaseForKey(env, issue.userId);
  const existing = await findLiveGrant(db, issue.userId, issue.clientId);
  const grantId = existing?.id ?? `${shard}.${bytesToBase64Url(randomBytes(16))}`;
  const scopes = [...new Set([...(existing?.scopes ?? []), ...issue.scopes])].join(' ');
  const code = `${shard}.${bytesToBase64Url(randomBytes(32))}`;
  const grantStatement =
    existing === null
      ? db
          .prepare('INSERT INTO oauth_grants (id, user_id, client_id, scopes, created_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)')
          .bind(grantId, issue.userId, issue.clientId, scopes, nowSeconds)
      : db.prepare('UPDATE oauth_grants SET scopes = ?2, last_used_at = ?3 WHERE id = ?1').bind(grantId, scopes, nowSeconds);
  const codeStatement = db
    .prepare(
      `INSERT INTO oauth_codes (code_hash, grant_id, user_id, client_id, redirect_uri, code_challenge, nonce, resource, scope, auth_time, amr, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)`,
    )
    .bind(
      await hashCode(code), grantId, issue.userId, issue.clientId, issue.redirectUri, issue.codeChallenge, issue.nonce ?? null,
      issue.resource ?? null, issue.scopes.join(' '), issue.authTimeSeconds, JSON.stringify(issue.amr), nowSeconds + CODE_TTL_SECONDS,
    );
  await runStorage('issue_oauth_code', () => db.batch([grantStatement, codeStatement]));
  return code;
}
