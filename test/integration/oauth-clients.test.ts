// The authorization server's clients: registered, listed and deleted by an admin; redirect URIs checked as OAuth 2.1 and RFC 8252 ask.
import { describe, expect, it } from 'vitest';
import { createTestClient, sendWithBearer, signUpVerified } from '../helpers/client';
import { adminAccessToken, registerTestClient } from '../helpers/oauth-server';
import { hashClientSecret } from '../../src/oauth-server/client-rows';
import { databaseForShard } from '../../src/storage/database';

describe('POST /admin/oauth/clients', () => {
  it('registers a confidential client and shows its secret once, storing only the SHA-256', async () => {
    const client = createTestClient();
    const admin = await adminAccessToken(client);
    const registered = await registerTestClient(client, admin, { client_name: 'Example app', redirect_uris: ['https://app.example.com/callback'] });
    expect(registered).toMatchObject({
      client_name: 'Example app', redirect_uris: ['https://app.example.com/callback'], grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic', application_type: 'web', first_party: false, scope: 'openid profile email offline_access',
    });
    expect(registered.client_secret).toMatch(/^[\w-]{43}$/);
    const row = await databaseForShard(client.env, '00').prepare('SELECT secret_hash FROM oauth_clients WHERE client_id = ?1').bind(registered.client_id).first<{ secret_hash: string }>();
    expect(row?.secret_hash).toBe(await hashClientSecret(registered.client_secret!));

    const list = await sendWithBearer(client, 'GET', '/admin/oauth/clients', admin);
    const listed = ((await list.json()) as { clients: { client_id: string }[] }).clients.find((entry) => entry.client_id === registered.client_id);
    expect(listed).toBeDefined();
    expect(Object.keys(listed ?? {})).not.toEqual(expect.arrayContaining(['client_secret']));
    expect(JSON.stringify(listed)).not.toContain(registered.client_secret);
    expect(JSON.stringify(listed)).not.toMatch(/secret_hash/);
  });

  it('gives a public client (token_endpoint_auth_method none) no secret', async () => {
    const client = createTestClient();
    const registered = await registerTestClient(client, await adminAccessToken(client), {
      redirect_uris: ['http://127.0.0.1/callback'], application_type: 'native', token_endpoint_auth_method: 'none',
    });
    expect(registered.client_secret).toBeUndefined();
    const row = await databaseForShard(client.env, '00').prepare('SELECT secret_hash FROM oauth_clients WHERE client_id = ?1').bind(registered.client_id).first<{ secret_hash: string | null }>();
    expect(row?.secret_hash).toBeNull();
  });

  it.each([
    ['a web client with an http redirect', { redirect_uris: ['http://app.example.com/callback'] }],
    ['a web client with an http loopback redirect', { redirect_uris: ['http://127.0.0.1:8080/callback'] }],
    ['a native client with http off loopback', { application_type: 'native', redirect_uris: ['http://app.example.com/callback'] }],
    ['a redirect with a fragment', { redirect_uris: ['https://app.example.com/callback#x'] }],
    ['a redirect with an empty fragment', { redirect_uris: ['https://app.example.com/callback#'] }],
    ['a relative redirect', { redirect_uris: ['/callback'] }],
    ['the code grant without redirect URIs', { redirect_uris: [] }],
    ['a public client asking for client_credentials', { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }],
    ['the implicit response type', { redirect_uris: ['https://app.example.com/cb'], response_types: ['token'] }],
    ['a scope nobody offers', { redirect_uris: ['https://app.example.com/cb'], scope: 'openid admin' }],
    ['an unknown field', { redirect_uris: ['https://app.example.com/cb'], jwks_uri: 'https://app.example.com/jwks' }],
    ['a non-boolean first_party', { redirect_uris: ['https://app.example.com/cb'], first_party: 'yes' }],
  ])('refuses %s with 400 invalid_request', async (_case, metadata) => {
    const client = createTestClient();
    const response = await sendWithBearer(client, 'POST', '/admin/oauth/clients', await adminAccessToken(client), metadata);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('lets a native client register loopback http redirects and a reverse-domain scheme', async () => {
    const client = createTestClient();
    const registered = await registerTestClient(client, await adminAccessToken(client), {
      application_type: 'native', token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback', 'com.example.app:/callback'],
    });
    expect(registered.redirect_uris).toHaveLength(3);
  });

  it('needs the admin role', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const response = await sendWithBearer(client, 'POST', '/admin/oauth/clients', user.accessToken, { redirect_uris: ['https://app.example.com/cb'] });
    expect(response.status).toBe(403);
    expect((await sendWithBearer(client, 'GET', '/admin/oauth/clients', user.accessToken)).status).toBe(403);
    expect((await client.fetch('/admin/oauth/clients')).status).toBe(401);
  });
});

describe('DELETE /admin/oauth/clients/:id', () => {
  it('deletes a client (then 404)', async () => {
    const client = createTestClient();
    const admin = await adminAccessToken(client);
    const registered = await registerTestClient(client, admin, { redirect_uris: ['https://app.example.com/cb'] });
    expect((await sendWithBearer(client, 'DELETE', `/admin/oauth/clients/${registered.client_id}`, admin)).status).toBe(204);
    expect((await sendWithBearer(client, 'DELETE', `/admin/oauth/clients/${registered.client_id}`, admin)).status).toBe(404);
    const row = await databaseForShard(client.env, '00').prepare('SELECT 1 FROM oauth_clients WHERE client_id = ?1').bind(registered.client_id).first();
    expect(row).toBeNull();
  });
});
