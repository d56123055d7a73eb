// End-to-end tests: the demo page in headless Chromium (playwright-core and
// Debian's `chromium`) against one real `npm start`. Not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    silent: 'passed-only',
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['./test/e2e/support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // One browser at a time: the machine is small and the server is shared.
    fileParallelism: false,
    passWithNoTests: false,
  },
});
