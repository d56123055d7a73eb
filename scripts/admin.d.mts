// Types of scripts/admin.mjs for the Node-side tests.
export declare const ADMIN_ROLE: 'admin';
export declare class AdminUsageError extends Error {}
export interface AdminCommand {
  command: 'grant' | 'revoke' | 'list' | 'email-collisions' | 'reindex';
  email: string | null;
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
export declare function buildAdminSql(command: Pick<AdminCommand, 'command' | 'email'>): string;
export declare function buildWranglerArguments(command: AdminCommand, binding?: string, sql?: string): string[];
export declare function parseShardWeights(mapText: string): ShardWeights;
export declare function buildReindexStatements(
  entries: readonly { key: string; user_id: string; created_at?: number }[],
  map: ShardWeights,
  perStatement?: number,
): Promise<{ binding: string; sql: string }[]>;
