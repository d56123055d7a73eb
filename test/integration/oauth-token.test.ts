// POST /oauth2/token, authorization_code: oauth4webapi end to end, and every refusal (code once, bound to client, redirect URI and verifier).
import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { databaseForKey } from '../../src/storage/database';
import { createTestClient, sendWithBearer } from '../helpers/client';
import { TEST_ISSUER, viaTestClient } from '../helpers/oauth-server';
import { REDIRECT, codeForm, oauth, obtainCode, postToken, setUpTokenTest, type TokenSetUp } from '../helpers/oauth-token';

async function discover(setUp: TokenSetUp): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(TEST_ISSUER, { algorithm: 'oidc', ...viaTestClient(setUp.client) });
  return oauth.processDiscoveryResponse(TEST_ISSUER, response);
}

async function redeemOk(setUp: TokenSetUp, extra: Record<string, string> = {}) {
  const { code, codeVerifier } = await obtainCode(setUp, extra);
  const response = await postToken(setUp.client, codeForm(setUp, code, codeVerifier));
  expect(response.status).toBe(200);
  return { code, codeVerifier, body: (await response.json()) as { access_token: string; id_token?: string; scope: string } };
}

function without(form: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([name]) => !names.includes(name)));
}

async function expectError(response: Response, status: number, error: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('Cache-Control')).toBe('no-store');
  const body = (await response.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
}

describe('POST /oauth2/token with oauth4webapi', () => {
  it('redeems a code with client_secret_basic: access token, and an ID token the library validates against the JWKS', async () => {
    const setUp = await setUpTokenTest({ token_endpoint_auth_method: 'client_secret_basic' });
    const as = await discover(setUp);
    expect(as.token_endpoint).toBe(`${TEST_ISSUER.origin}/oauth2/token`);
    expect(as.grant_types_supported).toEqual(['authorization_code']);
    const { location, codeVerifier, nonce, state } = await obtainCode(setUp);
    const client: oauth.Client = { client_id: setUp.registered.client_id };
    const params = oauth.validateAuthResponse(as, client, location, state);
    const options = viaTestClient(setUp.client);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(setUp.registered.client_secret!), params, REDIRECT, codeVerifier, options);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    // The library checks the ID token's signature against the jwks_uri of the discovery document.
    await oauth.validateApplicationLevelSignature(as, response, options);
    const claims = oauth.getValidatedIdTokenClaims(result)!;
    expect(claims).toMatchObject({ iss: TEST_ISSUER.origin, sub: setUp.userId, aud: setUp.registered.client_id, nonce, email: setUp.email, email_verified: true });
    expect(typeof claims.auth_time).toBe('number');
    expect(Array.isArray(claims.amr)).toBe(true);
    expect(result.token_type).toBe('bearer');
    expect(result.scope).toBe('openid email');
    const access = decodeJwt(result.access_token);
    expect(decodeProtectedHeader(result.access_token).typ).toBe('at+jwt');
    expect(decodeProtectedHeader(result.id_token!).typ).toBe('JWT');
    expect(access).toMatchObject({ sub: setUp.userId, sid: claims.sid, client_id: setUp.registered.client_id, scope: 'openid email' });
    expect(access).not.toHaveProperty('roles');
    expect(access).not.toHaveProperty('email');
  });

  it('redeems a public client\'s code with client_id and the PKCE verifier alone (none)', async () => {
    const setUp = await setUpTokenTest({ token_endpoint_auth_method: 'none', application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'] });
    const as = await discover(setUp);
    const { location, codeVerifier, nonce, state } = await obtainCode({ ...setUp, registered: { ...setUp.registered, redirect_uris: ['http://127.0.0.1:49152/callback'] } });
    const client: oauth.Client = { client_id: setUp.registered.client_id };
    const params = oauth.validateAuthResponse(as, client, location, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, 'http://127.0.0.1:49152/callback', codeVerifier, viaTestClient(setUp.client));
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(result)!.sub).toBe(setUp.userId);
  });

  it('signs the ID token with a key the JWKS publishes', async () => {
    const setUp = await setUpTokenTest();
    const { body } = await redeemOk(setUp);
    const jwks = (await (await setUp.client.fetch('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toContain(decodeProtectedHeader(body.id_token!).kid);
  });
});

describe('POST /oauth2/token: the tokens', () => {
  it('leaves email out of the ID token without the email scope, and the ID token out without openid', async () => {
    const setUp = await setUpTokenTest();
    const openidOnly = await redeemOk(setUp, { scope: 'openid' });
    expect(decodeJwt(openidOnly.body.id_token!)).not.toHaveProperty('email');
    const noOpenid = await redeemOk(setUp, { scope: 'email', nonce: '' });
    expect(noOpenid.body.id_token).toBeUndefined();
  });

  it('gives a client\'s token no roles: an admin user\'s token for a client does not pass requireRole(admin)', async () => {
    const setUp = await setUpTokenTest();
    await databaseForKey(setUp.client.env, setUp.userId).prepare('UPDATE users SET roles = ?2 WHERE id = ?1').bind(setUp.userId, JSON.stringify(['admin'])).run();
    const { body } = await redeemOk(setUp);
    expect((await sendWithBearer(setUp.client, 'GET', '/admin/oauth/clients', body.access_token)).status).toBe(403);
  });

  it('answers another media type with invalid_request and an unknown grant type with unsupported_grant_type', async () => {
    const setUp = await setUpTokenTest();
    const plain = await setUp.client.fetch('/oauth2/token', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'grant_type=password' });
    await expectError(plain, 400, 'invalid_request');
    await expectError(await postToken(setUp.client, { grant_type: 'password', username: 'a', password: 'b' }), 400, 'unsupported_grant_type');
    await expectError(await postToken(setUp.client, { grant_type: 'refresh_token', refresh_token: 'x' }), 400, 'unsupported_grant_type');
  });
});

describe('POST /oauth2/token: refusals', () => {
  it('refuses a second use of a code and revokes the grant: the first token stops working', async () => {
    const setUp = await setUpTokenTest();
    const { code, codeVerifier, body } = await redeemOk(setUp);
    expect((await sendWithBearer(setUp.client, 'GET', '/auth/grants', body.access_token)).status).toBe(200);
    await expectError(await postToken(setUp.client, codeForm(setUp, code, codeVerifier)), 400, 'invalid_grant');
    expect((await sendWithBearer(setUp.client, 'GET', '/auth/grants', body.access_token)).status).toBe(401);
    const grant = await databaseForKey(setUp.client.env, setUp.userId).prepare('SELECT revoked_at FROM oauth_grants WHERE user_id = ?1').bind(setUp.userId).first<{ revoked_at: number | null }>();
    expect(grant?.revoked_at).not.toBeNull();
  });

  it.each([
    ['a wrong verifier', { code_verifier: 'x'.repeat(43) }],
    ['a malformed verifier', { code_verifier: 'short' }],
    ['no verifier', { code_verifier: '' }],
    ['another redirect_uri', { redirect_uri: 'https://app.example.com/other' }],
    ['no redirect_uri', { redirect_uri: '' }],
    ['an unknown code', { code: '00.unknown' }],
  ])('refuses %s', async (_case, extra) => {
    const setUp = await setUpTokenTest();
    const { code, codeVerifier } = await obtainCode(setUp);
    const form = codeForm(setUp, code, codeVerifier, extra);
    const missing = Object.values(extra).includes('');
    await expectError(await postToken(setUp.client, form), 400, missing ? 'invalid_request' : 'invalid_grant');
  });

  it('refuses a code after its 60 seconds', async () => {
    const setUp = await setUpTokenTest();
    const { code, codeVerifier } = await obtainCode(setUp);
    setUp.client.clock.advanceSeconds(61);
    await expectError(await postToken(setUp.client, codeForm(setUp, code, codeVerifier)), 400, 'invalid_grant');
  });

  it('refuses a code issued to another client, even with that client\'s valid credentials', async () => {
    const setUp = await setUpTokenTest();
    const other = await setUpTokenTest({}, setUp.client);
    const { code, codeVerifier } = await obtainCode(setUp);
    await expectError(await postToken(setUp.client, codeForm(other, code, codeVerifier)), 400, 'invalid_grant');
  });

  it('refuses a wrong secret with 401 invalid_client, naming Basic only when Basic was used', async () => {
    const setUp = await setUpTokenTest({ token_endpoint_auth_method: 'client_secret_post' });
    const { code, codeVerifier } = await obtainCode(setUp);
    const post = await postToken(setUp.client, codeForm(setUp, code, codeVerifier, { client_secret: 'wrong' }));
    await expectError(post, 401, 'invalid_client');
    expect(post.headers.get('WWW-Authenticate')).toBeNull();
    const basicSetUp = await setUpTokenTest({ token_endpoint_auth_method: 'client_secret_basic' }, setUp.client);
    const second = await obtainCode(basicSetUp);
    const form = without(codeForm(basicSetUp, second.code, second.codeVerifier), 'client_id', 'client_secret');
    const basic = await postToken(setUp.client, form, { id: basicSetUp.registered.client_id, secret: 'wrong' });
    await expectError(basic, 401, 'invalid_client');
    expect(basic.headers.get('WWW-Authenticate')).toMatch(/^Basic/);
  });

  it('holds a client to its registered method: a client_secret_basic client may not use post, nor a post client Basic', async () => {
    const basicClient = await setUpTokenTest({ token_endpoint_auth_method: 'client_secret_basic' });
    const first = await obtainCode(basicClient);
    await expectError(await postToken(basicClient.client, codeForm(basicClient, first.code, first.codeVerifier)), 401, 'invalid_client');
    const postClient = await setUpTokenTest({ token_endpoint_auth_method: 'client_secret_post' }, basicClient.client);
    const second = await obtainCode(postClient);
    const form = without(codeForm(postClient, second.code, second.codeVerifier), 'client_id', 'client_secret');
    await expectError(await postToken(basicClient.client, form, { id: postClient.registered.client_id, secret: postClient.registered.client_secret! }), 401, 'invalid_client');
  });

  it('refuses a confidential client that sends no secret, and a public client without its verifier', async () => {
    const confidential = await setUpTokenTest();
    const first = await obtainCode(confidential);
    const noSecret = without(codeForm(confidential, first.code, first.codeVerifier), 'client_secret');
    await expectError(await postToken(confidential.client, noSecret), 401, 'invalid_client');
    const publicClient = await setUpTokenTest({ token_endpoint_auth_method: 'none' }, confidential.client);
    const second = await obtainCode(publicClient);
    await expectError(await postToken(confidential.client, codeForm(publicClient, second.code, second.codeVerifier, { code_verifier: '' })), 400, 'invalid_request');
  });
});

describe('POST /oauth2/token: the audience', () => {
  it('addresses the access token to the requested resource, which edge-auth\'s own routes then refuse', async () => {
    const resources = JSON.stringify({ 'https://api.example.com': { scopes: ['notes:read'] } });
    const setUp = await setUpTokenTest({ scope: 'openid notes:read' }, createTestClient({ vars: { OAUTH_RESOURCES: resources } }));
    const { body } = await redeemOk(setUp, { scope: 'openid notes:read', resource: 'https://api.example.com' });
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: 'https://api.example.com', scope: 'openid notes:read' });
    expect((await sendWithBearer(setUp.client, 'GET', '/auth/grants', body.access_token)).status).toBe(401);
  });
});
