// Tests that run in Node rather than workerd: scripts, HTTP-level interop
// against a real `npm start`, and anything that needs Node-only libraries.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    silent: 'passed-only',
    include: ['test/node/**/*.test.{ts,mjs}'],
    environment: 'node',
    // dist/lib (npm run build), for tests that import the package through its exports.
    globalSetup: ['test/support/build-package.mjs'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One file at a time: several of them start their own `npm start`.
    fileParallelism: false,
    passWithNoTests: false,
  },
});
