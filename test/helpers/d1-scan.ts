// Finds where a value is stored in D1 without naming the table or column, so
// tests about what is stored survive a storage redesign that keeps the rule.

/** A table and column of the database. */
export interface StoredAt {
  table: string;
  column: string;
}

/** Every column of every application table (D1's and SQLite's own tables left out). */
export async function listColumns(db: D1Database, tableNameLike = '%'): Promise<StoredAt[]> {
  const { results: tables } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?1 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'")
    .bind(tableNameLike)
    .all<{ name: string }>();
  const columns: StoredAt[] = [];
  for (const { name: table } of tables) {
    const { results } = await db.prepare('SELECT name FROM pragma_table_info(?1)').bind(table).all<{ name: string }>();
    columns.push(...results.map(({ name: column }) => ({ table, column })));
  }
  return columns;
}

/** Every table and column whose rows hold exactly `value`. */
export async function findStoredValue(db: D1Database, value: string): Promise<StoredAt[]> {
  const found: StoredAt[] = [];
  for (const { table, column } of await listColumns(db)) {
    const hit = await db.prepare(`SELECT 1 AS hit FROM "${table}" WHERE "${column}" = ?1 LIMIT 1`).bind(value).first();
    if (hit) found.push({ table, column });
  }
  return found;
}

/** Whether any value stored in the database contains `fragment` (a full scan; for small test databases). */
export async function isStoredAnywhere(db: D1Database, fragment: string): Promise<boolean> {
  for (const { table, column } of await listColumns(db)) {
    const hit = await db.prepare(`SELECT 1 AS hit FROM "${table}" WHERE instr(CAST("${column}" AS TEXT), ?1) > 0 LIMIT 1`).bind(fragment).first();
    if (hit) return true;
  }
  return false;
}

/** Rows of tables named like `tableNameLike` in which any column equals `value`. */
export async function countRowsHolding(db: D1Database, tableNameLike: string, value: string): Promise<number> {
  const byTable = new Map<string, string[]>();
  for (const { table, column } of await listColumns(db, tableNameLike)) byTable.set(table, [...(byTable.get(table) ?? []), column]);
  let rows = 0;
  for (const [table, columns] of byTable) {
    const anyColumn = columns.map((column) => `"${column}" = ?1`).join(' OR ');
    rows += (await db.prepare(`SELECT COUNT(*) AS n FROM "${table}" WHERE ${anyColumn}`).bind(value).first<{ n: number }>())?.n ?? 0;
  }
  return rows;
}
