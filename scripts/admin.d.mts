// Types of scripts/admin.mjs for the Node-side tests.
export declare const ADMIN_ROLE: 'admin';
export declare class AdminUsageError extends Error {}
export interface AdminCommand {
  command: 'grant' | 'revoke' | 'list' | 'email-collisions' | 'reindex' | 'lifecycle-review' | 'lifecycle-clear';
  email: string | null;
  /** lifecycle-clear only: the user whose review entry to remove. */
  userId?: string;
  remote: boolean;
  persistTo: string | null;
  /** reindex only: the shard map to index for (default: D1_SHARDS of wrangler.toml). */
  map?: string | null;
}
export interface ShardWeights {
  shards: { id: string; binding: string; weight: number }[];
  growing: { id: string; binding: string; weight: number }[];
}
export declare function parseAdminArguments(argv: readonly string[]): AdminCommand;
export declare function sqlStringLiteral(text: string): string;
export declare function buildAdminSql(command: Pick<AdminCommand, 'command' | 'email' | 'userId'>): string;
/** One row of `lifecycle-review`: the entry of migration 0013 and the account as it is now (`email` null once deleted). */
export interface LifecycleReviewRow {
  user_id: string;
  email: string | null;
  email_verified: number | null;
  passkeys: number;
  totp: number;
  identities: number;
  recorded_at: number;
}
export declare function formatLifecycleReview(perShard: readonly { binding: string; rows: readonly LifecycleReviewRow[] }[]): string;
export declare function buildWranglerArguments(command: AdminCommand, binding?: string, sql?: string): string[];
export declare function parseShardWeights(mapText: string): ShardWeights;
export declare function buildReindexStatements(
  entries: readonly { key: string; user_id: string; created_at?: number }[],
  map: ShardWeights,
  perStatement?: number,
): Promise<{ binding: string; sql: string }[]>;
