// D1 queries on oauth_flows: a provider sign-in in flight, stored at its start and consumed once at its callback.

import { DEFAULT_SHARD } from '../core/ids';
import { databaseForShard, runStorage, type StorageBindings } from '../storage/database';

/** A flow to store when the browser leaves for the provider. */
export interface NewOAuthFlow {
  stateHash: string;
  bindingHash: string;
  provider: string;
  codeVerifier: string;
  nonce: string;
  redirectTo: string;
  expiresAt: number;
}

/** What the callback gets back from a consumed flow. */
export interface ConsumedOAuthFlow {
  codeVerifier: string;
  nonce: string;
  redirectTo: string;
}

/** The outcome of presenting a state at the callback. */
export type OAuthFlowLookup =
  | { kind: 'consumed'; flow: ConsumedOAuthFlow }
  /** The state is known but not usable here (another browser, another provider, expired): only where to send the error. */
  | { kind: 'refused'; redirectTo: string }
  /** No such flow: never issued, or already used. */
  | { kind: 'unknown' };

/**
 * The database of flows. A flow has no user yet, so it cannot live on a
 * user's shard: every flow lives on the first shard, like sign-in challenges.
 */
function databaseForFlows(env: StorageBindings): D1Database {
  return databaseForShard(env, DEFAULT_SHARD);
}

/** Stores a flow until `expiresAt`. One round trip, one row written. */
export async function insertOAuthFlow(env: StorageBindings, flow: NewOAuthFlow): Promise<void> {
  const db = databaseForFlows(env);
  await runStorage('start provider sign-in', () =>
    db
      .prepare(
        `INSERT INTO oauth_flows (state_hash, binding_hash, provider, code_verifier, nonce, redirect_to, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
      )
      .bind(flow.stateHash, flow.bindingHash, flow.provider, flow.codeVerifier, flow.nonce, flow.redirectTo, flow.expiresAt)
      .run(),
  );
}

/**
 * Consumes the flow of this state if it is live, was started for this
 * provider and by the browser holding this binding: the DELETE returns it to
 * the one request that removed it, so a state works once even under
 * concurrency. A state presented without its browser's binding is left in
 * place (someone else's attempt cannot burn it); the batch's second
 * statement then only says where its errors go. One round trip.
 */
export async function consumeOAuthFlow(
  env: StorageBindings,
  presented: { stateHash: string; bindingHash: string | null; provider: string },
  nowSeconds: number,
): Promise<OAuthFlowLookup> {
  const db = databaseForFlows(env);
  const consume = db
    .prepare(
      `DELETE FROM oauth_flows WHERE state_hash = ?1 AND binding_hash = ?2 AND provider = ?3 AND expires_at > ?4
       RETURNING code_verifier, nonce, redirect_to`,
    )
    .bind(presented.stateHash, presented.bindingHash ?? '', presented.provider, nowSeconds);
  const where = db.prepare('SELECT redirect_to FROM oauth_flows WHERE state_hash = ?1').bind(presented.stateHash);
  const [consumed, remaining] = await runStorage('finish provider sign-in', () => db.batch([consume, where]));
  const row = consumed?.results[0] as { code_verifier: string; nonce: string; redirect_to: string } | undefined;
  if (row) return { kind: 'consumed', flow: { codeVerifier: row.code_verifier, nonce: row.nonce, redirectTo: row.redirect_to } };
  const left = remaining?.results[0] as { redirect_to: string } | undefined;
  return left ? { kind: 'refused', redirectTo: left.redirect_to } : { kind: 'unknown' };
}
