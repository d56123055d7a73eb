#!/usr/bin/env node
// `npm run dev:oidc [-- --port 9400 --service http://127.0.0.1:8787]`: a local OpenID Provider for trying
// "Continue with …" offline. Prints the OAUTH_PROVIDERS line for .dev.vars; any login signs in at its page
// (a login starting with "unverified" gets an unverified address). Stops with Ctrl-C.
import { parseArgs } from 'node:util';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestOidcProvider } from './lib/local-oidc-provider.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '9400' }, service: { type: 'string', multiple: true } } });
const services = values.service ?? ['http://127.0.0.1:8787', 'http://localhost:8787'];
const provider = await startTestOidcProvider({
  redirectUris: services.map((origin) => `${origin.replace(/\/$/, '')}/auth/oauth/local/callback`),
  port: Number(values.port),
});
const line = `OAUTH_PROVIDERS=${JSON.stringify({ local: { issuer: provider.issuer, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET } })}`;
console.log(`Local OpenID Provider at ${provider.issuer} (callbacks: ${services.join(', ')}).`);
console.log('Put this line in .dev.vars, then run npm start in another terminal:');
console.log(line);
console.log('At its login page any login and password sign in; a login starting with "unverified" has an unverified address.');
const stop = async () => {
  await provider.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
