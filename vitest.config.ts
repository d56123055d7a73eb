// Tests run inside workerd through the Workers Vitest integration, against
// real local D1 and KV, with the migrations applied by test/setup.ts.
// TEST_SHARDS=4 runs the same suite with users spread over four D1
// databases (DB, DB_01..DB_03; `npm test` runs both). `npm run test:shards`
// adds --no-isolate: the files then share one worker and its databases, so
// whole-table invariant checks see every other file's rows too.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { generateSigningJwk } from './scripts/lib/signing-keys.mjs';

/** Shard count of this run: 1 (wrangler.toml as is) or more (extra D1 bindings and a D1_SHARDS map). */
const SHARD_COUNT = Number(process.env.TEST_SHARDS ?? 1);
if (!Number.isInteger(SHARD_COUNT) || SHARD_COUNT < 1 || SHARD_COUNT > 8) throw new Error('TEST_SHARDS must be a whole number from 1 to 8');
const extraShards = Array.from({ length: SHARD_COUNT - 1 }, (_, index) => String(index + 1).padStart(2, '0'));

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');
  // A fresh key per run: no private key is committed.
  const signingKeys = { keys: [await generateSigningJwk('EdDSA'), await generateSigningJwk('ES256'), await generateSigningJwk('RS256')] };
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            JWT_SIGNING_KEYS: JSON.stringify(signingKeys),
            // Seals TOTP secrets: fresh per run, like the signing keys.
            KEY_ENCRYPTION_SECRET: randomBytes(32).toString('base64url'),
            TEST_MIGRATIONS: migrations,
            SCHEMA_SQL: await readFile('./schema.sql', 'utf8'),
            // Tests reach the app on https://auth.example.test, which is not local: mail goes
            // through Miniflare's simulated Email Sending binding instead of the console.
            MAIL_TRANSPORT: 'cloudflare',
            MAIL_FROM: 'no-reply@auth.example.test',
            ...(SHARD_COUNT > 1 ? { D1_SHARDS: ['00=DB', ...extraShards.map((shard) => `${shard}=DB_${shard}`)].join(',') } : {}),
          },
          // Empty databases: test/unit/schema.test.ts builds schema.sql in one, the migration test starts the other on an older schema.
          d1Databases: {
            SCHEMA_DB: 'schema-check',
            MIGRATION_DB: 'migration-check',
            ...Object.fromEntries(extraShards.map((shard) => [`DB_${shard}`, `shard-${shard}`])),
          },
        },
      }),
    ],
    test: {
      silent: 'passed-only' as const,
      include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/security/**/*.test.ts'],
      setupFiles: ['./test/setup.ts'],
      // A real OpenID Provider on loopback for the provider sign-in tests (test/support/oidc-global-setup.mjs).
      // The OpenAPI document among the static assets, built from this tree (test/support/openapi-asset-global-setup.mjs).
      globalSetup: ['./test/support/oidc-global-setup.mjs', './test/support/openapi-asset-global-setup.mjs'],
      testTimeout: 30_000,
    },
  };
});
