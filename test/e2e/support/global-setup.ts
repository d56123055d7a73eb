// Starts one `npm start` for every end-to-end file and hands its URL to the tests.
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../support/dev-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Many sign-ins from one loopback address: the per-IP limit is not what these tests are about.
  const server = await startDevServer({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
  project.provide('baseUrl', server.url);
  return () => server.stop();
}
