// Applies the D1 migrations to every shard's database before the tests of each file run.
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { allShardDatabases } from '../src/storage/database';

for (const { db } of allShardDatabases(env)) await applyD1Migrations(db, env.TEST_MIGRATIONS);
