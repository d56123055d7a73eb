// Reads and edits the per-environment resource ids in wrangler.toml as text,
// so every other line, comment and blank line stays exactly as it was.

/** Placeholder ids committed in wrangler.toml until setup:cloudflare replaces them. */
export const PLACEHOLDER_D1_ID = '00000000-0000-0000-0000-000000000000';
export const PLACEHOLDER_KV_ID = '00000000000000000000000000000000';

/** Names of the `[env.<name>]` environments the file declares. */
export function listEnvironments(text) {
  const names = new Set();
  for (const line of text.split('\n')) {
    const match = /^\s*\[\[?env\.([A-Za-z0-9_-]+)[\].]/.exec(line);
    if (match) names.add(match[1]);
  }
  return [...names];
}

/** Start and end (exclusive) line indexes of each table whose header is exactly `header`. */
function findTables(lines, header) {
  const tables = [];
  for (let start = 0; start < lines.length; start++) {
    if (lines[start].trim() !== header) continue;
    let end = start + 1;
    while (end < lines.length && !/^\s*\[/.test(lines[end])) end++;
    tables.push({ start, end });
  }
  return tables;
}

function readKey(lines, table, key) {
  const pattern = new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`);
  for (let index = table.start + 1; index < table.end; index++) {
    const match = pattern.exec(lines[index]);
    if (match) return { index, value: match[1] };
  }
  return undefined;
}

/** The `[[<header>]]` table whose `binding` is `binding`. */
function findBindingTable(lines, header, binding) {
  return findTables(lines, header).find((table) => readKey(lines, table, 'binding')?.value === binding);
}

/** The `D1_SHARDS` text of an environment's vars (`environment` undefined: `[vars]`); empty when unset. */
export function readShardMapText(text, environment) {
  const lines = text.split('\n');
  const [vars] = findTables(lines, environment === undefined ? '[vars]' : `[env.${environment}.vars]`);
  return vars ? readKey(lines, vars, 'D1_SHARDS')?.value ?? '' : '';
}

/**
 * The D1 binding of every shard an environment's `D1_SHARDS` names, shard 00
 * (`DB`) first; just `DB` when the variable is unset. `environment`
 * undefined: the top-level `[vars]` (what `npm start` runs). The worker
 * checks the map strictly; this only needs the binding names.
 */
export function readShardBindings(text, environment) {
  const bindings = readShardMapText(text, environment)
    .split(',')
    .map((entry) => /^\s*[0-9a-z]{2}=([A-Z][A-Z0-9_]*)(?::\d+)?\s*$/.exec(entry)?.[1])
    .filter((binding) => binding !== undefined);
  return ['DB', ...bindings.filter((binding) => binding !== 'DB')];
}

/**
 * The worker name, D1 database (binding DB) and KV namespace (binding KV) an
 * environment declares, and the D1 database of each further shard
 * (`shards`: binding, name, id). Throws when the environment or a binding is missing.
 */
export function readEnvironmentResources(text, environment) {
  const lines = text.split('\n');
  const [envTable] = findTables(lines, `[env.${environment}]`);
  if (!envTable) throw new Error(`wrangler.toml has no [env.${environment}] (it has: ${listEnvironments(text).join(', ') || 'none'})`);
  const d1 = findBindingTable(lines, `[[env.${environment}.d1_databases]]`, 'DB');
  const kv = findBindingTable(lines, `[[env.${environment}.kv_namespaces]]`, 'KV');
  if (!d1) throw new Error(`wrangler.toml has no [[env.${environment}.d1_databases]] with binding = "DB"`);
  if (!kv) throw new Error(`wrangler.toml has no [[env.${environment}.kv_namespaces]] with binding = "KV"`);
  const databaseName = readKey(lines, d1, 'database_name')?.value;
  if (!databaseName) throw new Error(`[[env.${environment}.d1_databases]] needs a database_name`);
  const shards = readShardBindings(text, environment)
    .slice(1)
    .map((binding) => {
      const table = findBindingTable(lines, `[[env.${environment}.d1_databases]]`, binding);
      const name = table ? readKey(lines, table, 'database_name')?.value : undefined;
      if (!table || !name) throw new Error(`D1_SHARDS of [env.${environment}] names ${binding}: add a [[env.${environment}.d1_databases]] with binding = "${binding}" and a database_name`);
      return { binding, databaseName: name, databaseId: readKey(lines, table, 'database_id')?.value };
    });
  return {
    workerName: readKey(lines, envTable, 'name')?.value ?? `edge-auth-${environment}`,
    databaseName,
    databaseId: readKey(lines, d1, 'database_id')?.value,
    kvId: readKey(lines, kv, 'id')?.value,
    shards,
  };
}

/** The queues an environment's consumers name (each `queue` and `dead_letter_queue`), in order, once each. */
export function readEnvironmentQueues(text, environment) {
  const lines = text.split('\n');
  const names = findTables(lines, `[[env.${environment}.queues.consumers]]`).flatMap((table) =>
    ['queue', 'dead_letter_queue'].map((key) => readKey(lines, table, key)?.value).filter(Boolean),
  );
  return [...new Set(names)];
}

/**
 * Returns the text with the environment's D1 `database_id`, KV `id` and each
 * further shard's `database_id` (`shardIds`: binding → id) set. Only those
 * values change; a missing key is added under its table header.
 */
export function writeEnvironmentIds(text, environment, { databaseId, kvId, shardIds = {} }) {
  const lines = text.split('\n');
  setKey(lines, findBindingTable(lines, `[[env.${environment}.d1_databases]]`, 'DB'), 'database_id', databaseId);
  for (const [binding, id] of Object.entries(shardIds)) setKey(lines, findBindingTable(lines, `[[env.${environment}.d1_databases]]`, binding), 'database_id', id);
  setKey(lines, findBindingTable(lines, `[[env.${environment}.kv_namespaces]]`, 'KV'), 'id', kvId);
  return lines.join('\n');
}

function setKey(lines, table, key, value) {
  if (!table) throw new Error(`cannot write ${key}: its table is missing from wrangler.toml`);
  const existing = readKey(lines, table, key);
  if (existing) lines[existing.index] = lines[existing.index].replace(/"[^"]*"/, `"${value}"`);
  else lines.splice(table.start + 1, 0, `${key} = "${value}"`);
}
