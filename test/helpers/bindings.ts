// Wrappers around the real D1 and KV bindings that count operations and can
// inject faults. They never replace the platform: every call still reaches
// the real local D1 or KV unless a fault was asked for.

/** Counts of storage operations seen by a wrapped binding pair. */
export interface StorageCounts {
  /** Round trips to D1: each statement run on its own, and each batch(). */
  d1RoundTrips: number;
  /** Statements sent to D1 in total (a batch of 3 counts 3). */
  d1Statements: number;
  kvReads: number;
  kvWrites: number;
  kvDeletes: number;
  kvLists: number;
}

/** Which operation a fault hits. */
export type FaultTarget = 'd1' | 'kv-read' | 'kv-write';

/**
 * A fault: throw, or hang until the request gives up, or `lose-response`:
 * the operation really runs (a write commits) and then the caller gets an error,
 * as when a connection drops after the database answered.
 */
export interface Fault {
  target: FaultTarget;
  kind: 'throw' | 'hang' | 'lose-response';
  /** Skip this many matching operations before failing (default 0). */
  after?: number;
  /** How many operations to fail (default: all until cleared). */
  times?: number;
}

export interface InstrumentedBindings {
  DB: D1Database;
  KV: KVNamespace;
  /** The other shards' wrapped D1 bindings, by binding name (empty with one shard). */
  shards: Record<string, D1Database>;
  counts: StorageCounts;
  /** D1 rows read and written since the last reset. */
  rows: D1RowCounts;
  resetCounts(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
}

/**
 * Rows D1 reports in each result's meta (`rows_read`, `rows_written`): what
 * D1 bills. Kept apart from the operation counts, which tests compare whole.
 */
export interface D1RowCounts {
  read: number;
  written: number;
  /** Rows each statement that wrote reported, with its SQL (in the order D1 answered). */
  writes: { sql: string; written: number }[];
}

function emptyCounts(): StorageCounts {
  return { d1RoundTrips: 0, d1Statements: 0, kvReads: 0, kvWrites: 0, kvDeletes: 0, kvLists: 0 };
}

/**
 * Wraps real `DB` and `KV` bindings (and the other shards' D1 bindings, by
 * binding name) so tests can count and break them; every shard shares one
 * set of counts and faults.
 */
export function instrumentBindings(db: D1Database, kv: KVNamespace, extraShards: Record<string, D1Database> = {}): InstrumentedBindings {
  const counts = emptyCounts();
  const rows: D1RowCounts = { read: 0, written: 0, writes: [] };
  const faults: (Fault & { seen: number; failed: number })[] = [];
  const realStatements = new WeakMap<object, D1PreparedStatement>();
  const statementSql = new WeakMap<object, string>();

  // Resolves to true when the operation must run and then fail (lose-response).
  async function maybeFail(target: FaultTarget): Promise<boolean> {
    for (const fault of faults) {
      if (fault.target !== target) continue;
      fault.seen++;
      if (fault.seen <= (fault.after ?? 0)) continue;
      if (fault.times !== undefined && fault.failed >= fault.times) continue;
      fault.failed++;
      if (fault.kind === 'lose-response') return true;
      if (fault.kind === 'hang') await new Promise(() => undefined);
      throw new Error(`injected ${target} fault`);
    }
    return false;
  }

  async function guarded<T>(target: FaultTarget, work: () => Promise<T>): Promise<T> {
    const loseResponse = await maybeFail(target);
    const result = await work();
    if (loseResponse) throw new Error(`injected ${target} fault after the operation ran`);
    return result;
  }

  function countRows(result: D1Result, sql = ''): D1Result {
    const written = result.meta?.rows_written ?? 0;
    rows.read += result.meta?.rows_read ?? 0;
    rows.written += written;
    if (written > 0) rows.writes.push({ sql, written });
    return result;
  }

  // first() is all() keeping row 0 (one query either way); all() exposes meta's row counts.
  async function firstRow(statement: D1PreparedStatement, sql: string, column?: string): Promise<unknown> {
    const row = countRows(await statement.all(), sql).results[0] as Record<string, unknown> | undefined;
    if (row === undefined) return null;
    return column === undefined ? row : row[column];
  }

  function wrapStatement(statement: D1PreparedStatement, sql: string): D1PreparedStatement {
    const wrapped = {
      bind: (...values: unknown[]) => wrapStatement(statement.bind(...values), sql),
      first: async (column?: string) => {
        counts.d1RoundTrips++;
        counts.d1Statements++;
        return guarded('d1', () => firstRow(statement, sql, column));
      },
      all: async () => {
        counts.d1RoundTrips++;
        counts.d1Statements++;
        return guarded('d1', async () => countRows(await statement.all(), sql));
      },
      run: async () => {
        counts.d1RoundTrips++;
        counts.d1Statements++;
        return guarded('d1', async () => countRows(await statement.run(), sql));
      },
      raw: async (options?: { columnNames?: boolean }) => {
        counts.d1RoundTrips++;
        counts.d1Statements++;
        return guarded('d1', () => statement.raw(options as { columnNames: true }));
      },
    } as unknown as D1PreparedStatement;
    realStatements.set(wrapped, statement);
    statementSql.set(wrapped, sql);
    return wrapped;
  }

  // A database (or a Sessions API session of one) whose calls are counted and can fail.
  function wrapDb(db: D1Database | D1DatabaseSession): D1Database {
    return {
      prepare: (query: string) => wrapStatement(db.prepare(query), query),
      batch: async (statements: D1PreparedStatement[]) => {
        counts.d1RoundTrips++;
        counts.d1Statements += statements.length;
        return guarded('d1', async () => {
          const results = await db.batch(statements.map((statement) => realStatements.get(statement) ?? statement));
          results.forEach((result, index) => countRows(result, statementSql.get(statements[index] as object)));
          return results;
        });
      },
      exec: async (query: string) => {
        counts.d1RoundTrips++;
        counts.d1Statements++;
        return guarded('d1', () => (db as D1Database).exec(query));
      },
      withSession: (constraint?: D1SessionConstraint | D1SessionBookmark) => {
        const session = (db as D1Database).withSession(constraint);
        return Object.assign(wrapDb(session), { getBookmark: () => session.getBookmark() });
      },
      dump: () => (db as D1Database).dump(),
    } as unknown as D1Database;
  }
  const wrappedDb = wrapDb(db);
  const wrappedShards = Object.fromEntries(Object.entries(extraShards).map(([binding, shardDb]) => [binding, wrapDb(shardDb)]));

  const wrappedKv = {
    get: async (...args: Parameters<KVNamespace['get']>) => {
      counts.kvReads++;
      return guarded('kv-read', () => (kv.get as (...a: unknown[]) => Promise<unknown>)(...args));
    },
    getWithMetadata: async (...args: Parameters<KVNamespace['getWithMetadata']>) => {
      counts.kvReads++;
      return guarded('kv-read', () => (kv.getWithMetadata as (...a: unknown[]) => Promise<unknown>)(...args));
    },
    put: async (...args: Parameters<KVNamespace['put']>) => {
      counts.kvWrites++;
      return guarded('kv-write', () => kv.put(...args));
    },
    delete: async (key: string) => {
      counts.kvDeletes++;
      return guarded('kv-write', () => kv.delete(key));
    },
    list: async (options?: KVNamespaceListOptions) => {
      counts.kvLists++;
      return guarded('kv-read', () => kv.list(options));
    },
  } as unknown as KVNamespace;

  return {
    DB: wrappedDb,
    KV: wrappedKv,
    shards: wrappedShards,
    counts,
    rows,
    resetCounts: () => {
      Object.assign(counts, emptyCounts());
      Object.assign(rows, { read: 0, written: 0, writes: [] });
    },
    injectFault: (fault) => faults.push({ ...fault, seen: 0, failed: 0 }),
    clearFaults: () => faults.splice(0),
  };
}
