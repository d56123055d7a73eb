// Bindings the test configuration adds on top of the worker's own.
import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      JWT_SIGNING_KEYS: string;
      TEST_MIGRATIONS: D1Migration[];
      SCHEMA_SQL: string;
      SCHEMA_DB: D1Database;
      MIGRATION_DB: D1Database;
    }
  }
}
export {};
