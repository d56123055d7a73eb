// Types for db-invariants.mjs, so TypeScript tests can run the same queries.
export declare const DB_INVARIANT_QUERIES: readonly { name: string; sql: string }[];
