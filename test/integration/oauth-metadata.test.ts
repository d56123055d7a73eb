// The discovery documents, read with oauth4webapi; OAUTH_SERVER=off takes them and every route of the server away.
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createTestClient } from '../helpers/client';
import { TEST_ISSUER, adminAccessToken, viaTestClient } from '../helpers/oauth-server';

describe('authorization server metadata', () => {
  it.each([['oidc'], ['oauth2']] as const)('is what oauth4webapi expects at the issuer (%s discovery)', async (algorithm) => {
    const client = createTestClient();
    const response = await oauth.discoveryRequest(TEST_ISSUER, { algorithm, ...viaTestClient(client) });
    const metadata = await oauth.processDiscoveryResponse(TEST_ISSUER, response);
    expect(metadata.issuer).toBe(TEST_ISSUER.origin);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.jwks_uri).toBe(`${TEST_ISSUER.origin}/.well-known/jwks.json`);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']));
  });

  it('names only endpoints that answer', async () => {
    const client = createTestClient();
    const metadata = (await (await client.fetch('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    for (const [name, value] of Object.entries(metadata)) {
      if (!name.endsWith('_endpoint') && name !== 'jwks_uri') continue;
      const path = new URL(value as string).pathname;
      const answer = await client.fetch(path);
      expect([404], `${name} ${path}`).not.toContain(answer.status);
    }
  });

  it('adds the scopes of OAUTH_RESOURCES', async () => {
    const client = createTestClient({ vars: { OAUTH_RESOURCES: JSON.stringify({ 'https://api.example.com': { scopes: ['notes:read'] } }) } });
    const metadata = (await (await client.fetch('/.well-known/oauth-authorization-server')).json()) as { scopes_supported: string[] };
    expect(metadata.scopes_supported).toContain('notes:read');
  });
});

describe('OAUTH_SERVER=off', () => {
  it('answers 404 on the metadata and admin client routes, and leaves them out of /openapi.json', async () => {
    const client = createTestClient({ vars: { OAUTH_SERVER: 'off' } });
    const admin = await adminAccessToken(client);
    expect((await client.fetch('/.well-known/openid-configuration')).status).toBe(404);
    expect((await client.fetch('/.well-known/oauth-authorization-server')).status).toBe(404);
    expect((await client.fetch('/admin/oauth/clients', { headers: { Authorization: `Bearer ${admin}` } })).status).toBe(404);
    const paths = Object.keys(((await (await client.fetch('/openapi.json')).json()) as { paths: Record<string, unknown> }).paths);
    expect(paths.filter((path) => path.startsWith('/admin/oauth') || path.startsWith('/oauth2') || path.startsWith('/.well-known/o'))).toEqual([]);
  });

  it('keeps them with the server on', async () => {
    const client = createTestClient();
    const paths = Object.keys(((await (await client.fetch('/openapi.json')).json()) as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/admin/oauth/clients', '/admin/oauth/clients/{id}']));
  });
});
