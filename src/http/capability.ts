// What a capability (a folder such as src/totp/) offers the app: its routes, what deletion removes, what the cron sweeps.

import type { Hono } from 'hono';
import type { SweepStep } from '../storage/cleanup';
import type { StorageBindings } from '../storage/database';
import type { AppEnv } from './app-env';

/** A user's rows that a capability stores, removed inside someone else's one batch (a deletion or a reset). */
export interface UserRows {
  /** The statements removing this user's rows of the capability, for the caller's batch. */
  remove(db: D1Database, userId: string): D1PreparedStatement[];
  /** After the batch committed, with the results of exactly those statements (e.g. directory entries on other shards). */
  afterRemoval?(env: StorageBindings, results: readonly D1Result[], userId: string): Promise<void>;
}

/** One capability, as `src/app.ts` lists it. */
export interface Capability {
  /** Its name: the folder, and the word DISABLED_CAPABILITIES uses. */
  name: string;
  /** False for what every deployment needs (sessions, passwords, the account, the service's documents). */
  canBeDisabled: boolean;
  /** Registers its routes (and so its part of /openapi.json). */
  addRoutes(app: Hono<AppEnv>): void;
  /**
   * Ways into the account someone other than the address's owner could have
   * added: removed by account deletion and by a reset that proves an
   * unverified address (the account policy's `provingAddressResetsAccount`).
   */
  waysIn?: UserRows;
  /** What the cron deletes once it no longer does anything. */
  sweeps?: readonly SweepStep[];
  /**
   * Its part of the admin view of a user (GET /admin/users/:id): named lists
   * (`sessions`, `factors`, `identities`, `events`) merged with the other
   * capabilities' parts. Read from the user's shard database.
   */
  adminView?(db: D1Database, userId: string, nowSeconds: number): Promise<Record<string, readonly unknown[]>>;
}
