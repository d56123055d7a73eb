// Starts one `npm start` for every end-to-end file and hands its URL to the tests.
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestOidcProvider } from '../../../scripts/lib/local-oidc-provider.mjs';
import { findFreePort, startDevServer } from '../../support/dev-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** A file that mirrors the server's output, where the mail_console lines land. */
    serverLogPath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A real OpenID Provider on loopback (its own login page), named "local" in OAUTH_PROVIDERS.
  const port = await findFreePort();
  const provider = await startTestOidcProvider({
    redirectUris: [`http://127.0.0.1:${port}/auth/oauth/local/callback`, `http://localhost:${port}/auth/oauth/local/callback`],
  });
  const oauthProviders = JSON.stringify({ local: { issuer: provider.issuer, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET } });
  // Many sign-ins from one loopback address: the per-IP limit is not what these tests are about.
  const server = await startDevServer({ port, vars: { IP_RATE_LIMIT_PER_MINUTE: '0', OAUTH_PROVIDERS: oauthProviders } });
  project.provide('baseUrl', server.url);
  // Mail goes to the console locally: mirror the output to a file the tests read links from.
  const logDir = await mkdtemp(join(tmpdir(), 'edge-auth-e2e-log-'));
  const serverLogPath = join(logDir, 'server.log');
  const mirror = setInterval(() => writeFileSync(serverLogPath, server.output()), 200);
  writeFileSync(serverLogPath, server.output());
  project.provide('serverLogPath', serverLogPath);
  return async () => {
    clearInterval(mirror);
    await server.stop();
    await provider.stop();
    await rm(logDir, { recursive: true, force: true });
  };
}
