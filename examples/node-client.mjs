// edge-auth/client from Node: body delivery, with the refresh token kept in a file.
// Usage: node examples/node-client.mjs <baseUrl> [email password] [--logout]
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createAuthClient } from 'edge-auth/client';

const [baseUrl, email, password] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const tokenFile = process.env.REFRESH_TOKEN_FILE ?? '.edge-auth-refresh-token';

const auth = createAuthClient({
  baseUrl,
  tokenDelivery: 'body',
  refreshTokenStore: {
    get: () => readFile(tokenFile, 'utf8').catch(() => null),
    set: (token) => (token ? writeFile(tokenFile, token, { mode: 0o600 }) : rm(tokenFile, { force: true })),
  },
});

// Restore the session from the stored refresh token, or sign in.
if (!(await auth.init())) await auth.login(email, password);
const response = await auth.fetch('/auth/me'); // Authorization: Bearer, refreshed as needed
console.log(JSON.stringify(await response.json()));
if (process.argv.includes('--logout')) await auth.logout();
