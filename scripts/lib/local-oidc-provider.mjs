// A real OpenID Provider (panva's oidc-provider) on a loopback port, for tests, the e2e run and `npm run dev:oidc`,
// with a tampering proxy in front of its token endpoint that re-signs ID tokens with a changed claim or another key.
import http from 'node:http';
import { exportJWK, generateKeyPair, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import Provider from 'oidc-provider';

import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from './local-oidc-client.mjs';

export { TEST_CLIENT_ID, TEST_CLIENT_SECRET };

/**
 * Whether an account's address is verified: every login name is an address,
 * and addresses whose local part starts with "unverified" are unverified.
 * So tests make fresh users of both kinds by choosing the login.
 */
export function isVerifiedLogin(login) {
  return !login.toLowerCase().startsWith('unverified');
}

/** How the proxy of `mode` changes the ID token (`honest` only re-signs it under the proxy's issuer). */
export const TAMPER_MODES = ['honest', 'nonce', 'key', 'iss', 'aud', 'expired', 'azp', 'audiences', 'nonceless'];

async function rsaKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Starts the provider and the proxy. `redirectUris` are the callback URLs
 * the test client may use (edge-auth's /auth/oauth/<id>/callback).
 * Returns the provider's issuer, the proxy's issuer for each tamper mode,
 * and `stop()`.
 */
export async function startTestOidcProvider({ redirectUris, port = 0 }) {
  const signingKey = await rsaKey('test-provider-key');
  const otherKey = { ...(await rsaKey('test-provider-key')) }; // same kid, another key: only the signature tells them apart
  const server = http.createServer();
  const providerPort = await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server.address().port)));
  const issuer = `http://127.0.0.1:${providerPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // A client that requires PKCE (S256 is the only method oidc-provider accepts).
    pkce: { required: () => true },
    jwks: { keys: [signingKey] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Put the scope's claims (email, email_verified) into the ID token itself.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: id, email_verified: isVerifiedLogin(id), name: id.split('@')[0] }),
    }),
    cookies: { keys: ['test-provider-cookie-key-that-is-long'] },
    features: { devInteractions: { enabled: true } },
    ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));
  server.on('request', provider.callback());

  const proxy = http.createServer((request, response) => {
    handleProxy(request, response).catch((error) => {
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(String(error));
    });
  });
  const proxyPort = await listen(proxy);
  const proxyBase = `http://127.0.0.1:${proxyPort}`;

  async function handleProxy(request, response) {
    const [, mode, ...rest] = new URL(request.url, proxyBase).pathname.split('/');
    const path = `/${rest.join('/')}`;
    const proxyIssuer = `${proxyBase}/${mode}`;
    if (!TAMPER_MODES.includes(mode)) {
      response.writeHead(404).end();
      return;
    }
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      const rewritten = { ...metadata, issuer: proxyIssuer, token_endpoint: `${proxyIssuer}/token`, jwks_uri: `${proxyIssuer}/jwks` };
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(rewritten));
      return;
    }
    if (request.method === 'GET' && path === '/jwks') {
      const jwks = await (await fetch(`${issuer}/jwks`)).text();
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(jwks);
      return;
    }
    if (request.method === 'POST' && path === '/token') {
      const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      const upstream = await fetch(metadata.token_endpoint, {
        method: 'POST',
        headers: { 'Content-Type': request.headers['content-type'] ?? '', Authorization: request.headers.authorization ?? '', Accept: 'application/json' },
        body: await readBody(request),
      });
      const body = await upstream.json();
      if (upstream.ok && typeof body.id_token === 'string') body.id_token = await tamper(body.id_token, mode, proxyIssuer);
      response.writeHead(upstream.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    response.writeHead(404).end();
  }

  async function tamper(idToken, mode, proxyIssuer) {
    const claims = { ...decodeJwt(idToken), iss: proxyIssuer };
    const header = decodeProtectedHeader(idToken);
    let key = signingKey;
    if (mode === 'nonce') claims.nonce = 'a-nonce-this-flow-never-sent';
    if (mode === 'nonceless') delete claims.nonce;
    if (mode === 'iss') claims.iss = issuer;
    if (mode === 'aud') claims.aud = 'another-client';
    // Several audiences: the token is for us only if azp names us ("audiences" does, "azp" names the other client).
    if (mode === 'azp' || mode === 'audiences') claims.aud = [claims.aud, 'another-client'];
    if (mode === 'azp') claims.azp = 'another-client';
    if (mode === 'audiences') claims.azp = TEST_CLIENT_ID;
    if (mode === 'expired') {
      claims.iat = Math.floor(Date.now() / 1000) - 3600;
      claims.exp = Math.floor(Date.now() / 1000) - 1800;
    }
    if (mode === 'key') key = otherKey;
    const { importJWK } = await import('jose');
    return new SignJWT(claims).setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ }).sign(await importJWK(key, 'RS256'));
  }

  return {
    issuer,
    proxyIssuer: (mode) => `${proxyBase}/${mode}`,
    async stop() {
      await Promise.all([new Promise((resolve) => server.close(resolve)), new Promise((resolve) => proxy.close(resolve))]);
    },
  };
}
