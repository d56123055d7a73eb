// The shard map (D1_SHARDS): which D1 binding holds each shard, and which shard a new user or a directory key belongs to.

import { ConfigError } from './errors';
import { DEFAULT_SHARD } from './ids';
import { rendezvousWinner } from './rendezvous';

/** One shard: its two-character id (the prefix of every id it owns), its D1 binding, its share of new users. */
export interface ShardEntry {
  id: string;
  binding: string;
  /** Relative share of new users and directory keys; 0 = takes nothing new (full, or being retired from growth). */
  weight: number;
}

/** The parsed shard map: every shard, and those that take new users. */
export interface ShardMap {
  shards: readonly ShardEntry[];
  byId: ReadonlyMap<string, ShardEntry>;
  /** Shards with weight > 0, in map order. */
  growing: readonly ShardEntry[];
}

/** Without D1_SHARDS: one shard, `00`, in the `DB` binding (everything before sharding keeps working). */
export const SINGLE_SHARD_MAP_TEXT = `${DEFAULT_SHARD}=DB`;
const MAX_WEIGHT = 1000;
const ENTRY_PATTERN = /^([0-9a-z]{2})=([A-Z][A-Z0-9_]{0,62})(?::(\d{1,4}))?$/;

const parsedMaps = new Map<string, ShardMap>();

/**
 * Parses `D1_SHARDS`, e.g. `00=DB,01=DB_01:2,02=DB_02:0`: shard id = binding
 * name, with an optional weight (default 1). Strict: a malformed entry, a
 * repeated id or binding, shard 00 not on `DB`, or no shard with weight > 0
 * is a ConfigError naming the variable. Parsed once per distinct text.
 *
 * @example
 * parseShardMap('00=DB,01=DB_01').growing.length // 2
 */
export function parseShardMap(text: unknown): ShardMap {
  const source = typeof text === 'string' && text.trim() !== '' ? text : SINGLE_SHARD_MAP_TEXT;
  const cached = parsedMaps.get(source);
  if (cached) return cached;
  const shards: ShardEntry[] = [];
  for (const raw of source.split(',')) {
    const match = ENTRY_PATTERN.exec(raw.trim());
    if (!match) throw new ConfigError('D1_SHARDS', `holds "${raw.trim()}", which is not shard=BINDING or shard=BINDING:weight (shard: two of 0-9a-z)`);
    const weight = match[3] === undefined ? 1 : Number(match[3]);
    if (weight > MAX_WEIGHT) throw new ConfigError('D1_SHARDS', `gives shard ${match[1]} weight ${weight}; weights run from 0 to ${MAX_WEIGHT}`);
    shards.push({ id: match[1]!, binding: match[2]!, weight });
  }
  const byId = new Map(shards.map((shard) => [shard.id, shard]));
  if (byId.size !== shards.length) throw new ConfigError('D1_SHARDS', 'names a shard twice');
  if (new Set(shards.map((shard) => shard.binding)).size !== shards.length) throw new ConfigError('D1_SHARDS', 'names a binding twice');
  if (byId.get(DEFAULT_SHARD)?.binding !== 'DB') throw new ConfigError('D1_SHARDS', `must map shard ${DEFAULT_SHARD} to DB (the data from before sharding lives there)`);
  const growing = shards.filter((shard) => shard.weight > 0);
  if (growing.length === 0) throw new ConfigError('D1_SHARDS', 'needs at least one shard with a weight above 0');
  const map: ShardMap = { shards, byId, growing };
  parsedMaps.set(source, map);
  return map;
}

/** Throws a ConfigError naming D1_SHARDS when a shard's binding is not a D1 database of this worker. */
export function requireShardBindings(map: ShardMap, env: Partial<Record<string, unknown>>): void {
  for (const shard of map.shards) {
    const db = env[shard.binding];
    if (typeof db !== 'object' || db === null || typeof (db as { prepare?: unknown }).prepare !== 'function') {
      throw new ConfigError('D1_SHARDS', `names the binding ${shard.binding}, which is not a D1 database of this worker`);
    }
  }
}

/**
 * The home shard of a key (a normalised email, or any directory key):
 * weighted rendezvous hashing over the shards with weight > 0. Adding a
 * shard changes the home only of the keys the new shard wins; a weight-0
 * shard wins nothing.
 */
export function homeShardOf(map: ShardMap, key: string): Promise<string> {
  return rendezvousWinner(map.growing, key);
}
