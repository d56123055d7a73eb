// Types of scripts/lib/wrangler-toml.mjs for the Node-side tests.
export const PLACEHOLDER_D1_ID: string;
export const PLACEHOLDER_KV_ID: string;
export function listEnvironments(text: string): string[];
export function readShardMapText(text: string, environment: string | undefined): string;
export function readShardBindings(text: string, environment: string | undefined): string[];
export function readEnvironmentResources(
  text: string,
  environment: string,
): {
  workerName: string;
  databaseName: string;
  databaseId: string | undefined;
  kvId: string | undefined;
  shards: { binding: string; databaseName: string; databaseId: string | undefined }[];
};
export function readEnvironmentQueues(text: string, environment: string): string[];
export function writeEnvironmentIds(text: string, environment: string, ids: { databaseId: string; kvId: string; shardIds?: Record<string, string> }): string;
