// /openapi.json is a contract machines can trust: Redocly's recommended lint passes, docs/api.md covers it,
// and a whole user journey against `npm start` (successes and errors) gets only answers it describes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenOfLink, waitForMailedLink } from '../support/console-mail';
import { findFreePort, startDevServer, type DevServer } from '../support/dev-server.mjs';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestOidcProvider, type TestOidcProvider } from '../../scripts/lib/local-oidc-provider.mjs';
import { CookieJar, walkProviderPages } from '../support/oidc-pages';
import { OpenApiResponseValidator } from '../support/openapi-validator';
import type { CreationOptionsJSON, RequestOptionsJSON } from '../../src/passkeys/webauthn/json';
import { SoftwareAuthenticator } from '../helpers/authenticator';
import { base32ToBytes, totpCodeForStep, totpStepAt } from '../../src/totp/totp';

const APP_ORIGIN = 'https://app.example.test';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

let server: DevServer;
let provider: TestOidcProvider;
let document: Record<string, unknown>;
let validator: OpenApiResponseValidator;

beforeAll(async () => {
  // A real OpenID Provider on loopback, so the journey signs in with it too.
  const port = await findFreePort();
  provider = await startTestOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/auth/oauth/local/callback`] });
  const oauthProviders = JSON.stringify({ local: { issuer: provider.issuer, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET } });
  // The journey signs in more often in a minute than the per-IP limit allows one client (test/node/rate-limit-config.test.ts covers that limit).
  server = await startDevServer({ port, vars: { ALLOWED_ORIGINS: APP_ORIGIN, OAUTH_PROVIDERS: oauthProviders, IP_RATE_LIMIT_PER_MINUTE: '0' } });
  document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Record<string, unknown>;
  validator = new OpenApiResponseValidator(document);
});

afterAll(async () => {
  await server?.stop();
  await provider?.stop();
});

/** One request through the validator; returns the response for the journey's own assertions. */
async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  const url = `${server.url}${path}`;
  const response = await fetch(url, { method, redirect: 'manual', ...init });
  await validator.check(method, url, response);
  return response;
}

const json = (value: unknown) => JSON.stringify(value);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const cookieOf = (response: Response) => response.headers.getSetCookie()[0]?.split(';')[0] ?? '';

async function logIn(email: string, password: string, delivery: 'cookie' | 'body' = 'cookie') {
  const response = await call('POST', '/auth/login', { headers: JSON_HEADERS, body: json({ email, password, token_delivery: delivery }) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; refresh_token?: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token, cookie: cookieOf(response) };
}

describe('the OpenAPI document', () => {
  it("passes Redocly's recommended lint with no error and only the warnings docs/api.md justifies", () => {
    const directory = mkdtempSync(join(tmpdir(), 'edge-auth-openapi-lint-'));
    try {
      const file = join(directory, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const lint = spawnSync(process.execPath, ['scripts/lint-openapi.mjs', file], { encoding: 'utf8' });
      expect(lint.stderr).toBe('');
      const summary = JSON.parse(lint.stdout.trim().split('\n').at(-1) ?? '{}') as { errors: number; unjustifiedWarnings: number };
      expect(summary).toMatchObject({ errors: 0, unjustifiedWarnings: 0 });
      expect(lint.status).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('declares security on every operation (an empty list for public ones)', () => {
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, { security?: unknown }>>)) {
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        expect(Array.isArray(operation.security), `${method} ${path}`).toBe(true);
      }
    }
  });

  it('has every path and method of the document in docs/api.md', () => {
    const apiDoc = readFileSync('docs/api.md', 'utf8');
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, { operationId?: string }>>)) {
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters' || method === 'options' || operation.operationId?.endsWith('NotAllowed')) continue;
        expect(apiDoc, `${method.toUpperCase()} ${path} missing from docs/api.md`).toContain(`${method.toUpperCase()} ${path}`);
      }
    }
  });
});

describe('the response validator', () => {
  it('reports an undocumented status, body field or header, and a missing required header', async () => {
    const probe = new OpenApiResponseValidator(document);
    const every = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' };
    const answer = (status: number, body: string | null, headers: Record<string, string> = {}) =>
      new Response(body, { status, headers: { ...every, 'Content-Type': 'application/json', ...headers } });
    await probe.check('GET', `${server.url}/health`, answer(200, '{"ok":true}'));
    expect(probe.problems).toEqual([]);
    await probe.check('GET', `${server.url}/health`, answer(418, '{}'));
    await probe.check('GET', `${server.url}/health`, answer(200, '{"ok":true,"extra":1}'));
    await probe.check('GET', `${server.url}/health`, answer(200, '{"ok":true}', { 'X-Powered-By': 'something' }));
    await probe.check('POST', `${server.url}/auth/refresh`, answer(401, '{"error":"invalid_refresh_token","message":"No."}'));
    expect(probe.problems.map(({ problem }) => problem.split(' (')[0])).toEqual([
      'status not documented',
      expect.stringMatching(/^body: .*additional properties/),
      'header x-powered-by not documented',
      'required header set-cookie missing',
    ]);
  });
});

describe('a whole user journey through a response validator', () => {
  it('gets only statuses, bodies and headers the document describes, on every route', async () => {
    const email = `journey-${crypto.randomUUID()}@example.test`;
    const password = 'a journey through the contract';

    // Operations, keys and the description itself.
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', '/health?deep=1')).status).toBe(200);
    expect((await call('GET', '/openapi.json')).status).toBe(200);
    const jwks = await call('GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect((await call('GET', '/.well-known/jwks.json', { headers: { 'If-None-Match': jwks.headers.get('ETag') ?? '' } })).status).toBe(304);

    // Register: success and every kind of bad body.
    expect((await call('POST', '/auth/register', { headers: JSON_HEADERS, body: json({ email, password }) })).status).toBe(201);
    expect((await call('POST', '/auth/register', { headers: JSON_HEADERS, body: json({ email, password }) })).status).toBe(409);
    expect((await call('POST', '/auth/register', { headers: JSON_HEADERS, body: json({ email: `w-${email}`, password: 'password' }) })).status).toBe(400);
    expect((await call('POST', '/auth/register', { headers: JSON_HEADERS, body: json({ email, password, admin: true }) })).status).toBe(400);
    expect((await call('POST', '/auth/register', { headers: JSON_HEADERS, body: '{"email":"a@b.c","email":"d@e.f","password":"x"}' })).status).toBe(400);
    expect((await call('POST', '/auth/register', { headers: { 'Content-Type': 'text/plain' }, body: json({ email, password }) })).status).toBe(415);
    expect((await call('POST', '/auth/register', { headers: JSON_HEADERS, body: json({ email, password: 'x'.repeat(20_000) }) })).status).toBe(413);

    // Login in both channels, and refused.
    const browser = await logIn(email, password);
    const app = await logIn(email, password, 'body');
    expect((await call('POST', '/auth/login', { headers: JSON_HEADERS, body: json({ email, password: 'not the password' }) })).status).toBe(401);

    // Bearer routes: success, no token, a bad token, a token in the URL, a non-Bearer header.
    expect((await call('GET', '/auth/me', { headers: bearer(browser.accessToken) })).status).toBe(200);
    expect((await call('GET', '/auth/me')).status).toBe(401);
    expect((await call('GET', '/auth/me', { headers: bearer('not.a.token') })).status).toBe(401);
    expect((await call('GET', `/auth/me?access_token=${browser.accessToken}`)).status).toBe(400);
    const sessions = await call('GET', '/auth/sessions', { headers: bearer(browser.accessToken) });
    expect(sessions.status).toBe(200);
    expect((await call('GET', '/auth/events', { headers: bearer(browser.accessToken) })).status).toBe(200);
    expect((await call('DELETE', '/auth/sessions/00.no-such-session', { headers: bearer(browser.accessToken) })).status).toBe(404);

    // Adding a way to sign in needs a verified address, then a proof in the same request.
    const proofHeaders = { ...JSON_HEADERS, ...bearer(browser.accessToken) };
    const passwordProof = json({ password });
    expect((await call('POST', '/auth/passkeys/registration-options', { headers: proofHeaders, body: passwordProof })).status).toBe(403);
    const verifyJourney = (to: string) => waitForMailedLink(server.output, to, '/verify-email').then((link) => call('POST', '/auth/email/verify', { headers: JSON_HEADERS, body: json({ token: tokenOfLink(link) }) }));
    expect((await verifyJourney(email)).status).toBe(200);
    expect((await call('POST', '/auth/passkeys/registration-options', { headers: bearer(browser.accessToken) })).status).toBe(403);
    expect((await call('POST', '/auth/passkeys/registration-options', { headers: proofHeaders, body: json({ password: 'not the password' }) })).status).toBe(401);

    // Passkeys with the software authenticator: register, list, sign in (and refused), remove.
    const registrationOptions = await call('POST', '/auth/passkeys/registration-options', { headers: proofHeaders, body: passwordProof });
    expect(registrationOptions.status).toBe(200);
    const authenticator = await SoftwareAuthenticator.create();
    const { options: creation } = (await registrationOptions.json()) as { options: CreationOptionsJSON };
    const registration = await authenticator.register(creation, server.url);
    expect((await call('POST', '/auth/passkeys', { headers: { ...JSON_HEADERS, ...bearer(browser.accessToken) }, body: json({ credential: registration, name: 'Journey' }) })).status).toBe(201);
    expect((await call('POST', '/auth/passkeys', { headers: { ...JSON_HEADERS, ...bearer(browser.accessToken) }, body: json({ credential: registration }) })).status).toBe(400);
    expect((await call('GET', '/auth/passkeys', { headers: bearer(browser.accessToken) })).status).toBe(200);
    const signInOptions = async () => {
      const response = await call('POST', '/auth/passkeys/login-options');
      expect(response.status).toBe(200);
      return ((await response.json()) as { options: RequestOptionsJSON }).options;
    };
    const assertion = await authenticator.assert(await signInOptions(), server.url);
    expect((await call('POST', '/auth/passkeys/login', { headers: JSON_HEADERS, body: json({ credential: assertion }) })).status).toBe(200);
    expect((await call('POST', '/auth/passkeys/login', { headers: JSON_HEADERS, body: json({ credential: assertion, token_delivery: 'body' }) })).status).toBe(401);
    expect((await call('DELETE', `/auth/passkeys/${authenticator.id}`, { headers: bearer(browser.accessToken) })).status).toBe(403);
    expect((await call('DELETE', `/auth/passkeys/${authenticator.id}`, { headers: proofHeaders, body: passwordProof })).status).toBe(204);
    expect((await call('DELETE', `/auth/passkeys/${authenticator.id}`, { headers: proofHeaders, body: passwordProof })).status).toBe(404);

    // Sign-in with another provider: the list, refused starts, the provider's own pages, the callback (good and
    // with a state it never issued), then the identities of the new account (the only one can't be removed).
    expect((await call('GET', '/auth/oauth')).status).toBe(200);
    const returnTo = encodeURIComponent(`${APP_ORIGIN}/signed-in`);
    expect((await call('GET', `/auth/oauth/nope?redirect_to=${returnTo}`)).status).toBe(404);
    expect((await call('GET', `/auth/oauth/local?redirect_to=${encodeURIComponent('https://evil.example.test/')}`)).status).toBe(400);
    const oauthStart = await call('GET', `/auth/oauth/local?redirect_to=${returnTo}`);
    expect(oauthStart.status).toBe(302);
    const providerLogin = `verified-journey-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const callback = await walkProviderPages(oauthStart.headers.get('Location') ?? '', server.url, new CookieJar(), { login: providerLogin });
    const oauthDone = await call('GET', `${callback.pathname}${callback.search}`, { headers: { Cookie: cookieOf(oauthStart) } });
    expect(oauthDone.headers.get('Location')).toBe(`${APP_ORIGIN}/signed-in`);
    expect((await call('GET', '/auth/oauth/local/callback?state=never-issued&code=x')).headers.get('Location')).toMatch(/#error=invalid_state$/);
    expect((await call('GET', '/auth/oauth/nope/callback?state=x')).status).toBe(404);
    const providerCookie = oauthDone.headers.getSetCookie().find((line) => line.startsWith('__Host-edge_auth_refresh='))?.split(';')[0] ?? '';
    const providerRefresh = await call('POST', '/auth/refresh', { headers: { Cookie: providerCookie } });
    const providerToken = ((await providerRefresh.json()) as { access_token: string }).access_token;
    const identities = await call('GET', '/auth/identities', { headers: bearer(providerToken) });
    expect(identities.status).toBe(200);
    const [identity] = ((await identities.json()) as { identities: { id: string }[] }).identities;
    expect((await call('DELETE', `/auth/identities/${identity?.id}`, { headers: bearer(providerToken) })).status).toBe(409);
    expect((await call('DELETE', '/auth/identities/00.no-such-identity', { headers: bearer(providerToken) })).status).toBe(404);
    // TOTP on its own account: setup, enable (wrong, right, again), the two-step login, disable.
    const mfaEmail = `journey-mfa-${crypto.randomUUID()}@example.test`;
    expect((await call('POST', '/auth/register', { headers: JSON_HEADERS, body: json({ email: mfaEmail, password }) })).status).toBe(201);
    const mfaUser = await logIn(mfaEmail, password);
    const mfaHeaders = { ...JSON_HEADERS, ...bearer(mfaUser.accessToken) };
    expect((await verifyJourney(mfaEmail)).status).toBe(200);
    expect((await call('POST', '/auth/mfa/totp/setup', { headers: bearer(mfaUser.accessToken) })).status).toBe(403);
    const setup = await call('POST', '/auth/mfa/totp/setup', { headers: mfaHeaders, body: passwordProof });
    expect(setup.status).toBe(200);
    const totpSecret = base32ToBytes(((await setup.json()) as { secret: string }).secret) ?? new Uint8Array();
    const currentCode = () => totpCodeForStep(totpSecret, totpStepAt(Math.floor(Date.now() / 1000)));
    expect((await call('POST', '/auth/mfa/totp/enable', { headers: mfaHeaders, body: json({ code: 'abcdef' }) })).status).toBe(400);
    const enabled = await call('POST', '/auth/mfa/totp/enable', { headers: mfaHeaders, body: json({ code: await currentCode() }) });
    expect(enabled.status).toBe(200);
    const recoveryCodes = ((await enabled.json()) as { recovery_codes: string[] }).recovery_codes;
    expect((await call('POST', '/auth/mfa/totp/enable', { headers: mfaHeaders, body: json({ code: await currentCode() }) })).status).toBe(409);
    expect((await call('POST', '/auth/mfa/totp/setup', { headers: mfaHeaders, body: passwordProof })).status).toBe(409);
    const mfaRequired = await call('POST', '/auth/login', { headers: JSON_HEADERS, body: json({ email: mfaEmail, password }) });
    expect(mfaRequired.status).toBe(403);
    const mfaToken = ((await mfaRequired.json()) as { mfa_token: string }).mfa_token;
    expect((await call('POST', '/auth/login/mfa', { headers: JSON_HEADERS, body: json({ mfa_token: mfaToken, code: 'abcdef' }) })).status).toBe(401);
    expect((await call('POST', '/auth/login/mfa', { headers: JSON_HEADERS, body: json({ mfa_token: mfaToken }) })).status).toBe(400);
    expect((await call('POST', '/auth/login/mfa', { headers: JSON_HEADERS, body: json({ mfa_token: mfaToken, recovery_code: recoveryCodes[0] }) })).status).toBe(200);
    // The sign-in page (TOTP still on): the page and its assets, a refused form, a wrong password, the code step, forgot password.
    const signInPage = await call('GET', '/sign-in?return_to=%2Fafter');
    expect(signInPage.status).toBe(200);
    const csrfCookie = signInPage.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const csrf = csrfCookie.slice(csrfCookie.indexOf('=') + 1);
    const form = (fields: Record<string, string>) => ({ headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: csrfCookie }, body: new URLSearchParams(fields).toString() });
    expect((await call('POST', '/sign-in', form({ email: mfaEmail, password }))).status).toBe(403);
    expect((await call('POST', '/sign-in', form({ csrf_token: csrf, email: mfaEmail, password: 'not the password' }))).status).toBe(401);
    expect((await call('POST', '/sign-in', { headers: JSON_HEADERS, body: '{}' })).status).toBe(415);
    const codeStep = await call('POST', '/sign-in', form({ csrf_token: csrf, email: mfaEmail, password, return_to: '/after' }));
    expect(codeStep.status).toBe(200);
    const pageMfaToken = /name="mfa_token" value="([^"]+)"/.exec(await codeStep.text())?.[1] ?? '';
    expect((await call('POST', '/sign-in/totp', form({ csrf_token: csrf, mfa_token: pageMfaToken, code: '000000', return_to: '/after' }))).status).toBe(401);
    expect((await call('POST', '/sign-in/totp', form({ mfa_token: pageMfaToken, code: recoveryCodes[5] ?? '' }))).status).toBe(403);
    const pageSignedIn = await call('POST', '/sign-in/totp', form({ csrf_token: csrf, mfa_token: pageMfaToken, code: recoveryCodes[5] ?? '', return_to: '/after' }));
    expect(pageSignedIn.status).toBe(303);
    expect(pageSignedIn.headers.get('Location')).toBe('/after');
    expect((await call('GET', '/sign-in/forgot')).status).toBe(200);
    expect((await call('POST', '/sign-in/forgot', form({ csrf_token: csrf, email: 'not an address' }))).status).toBe(400);
    expect((await call('POST', '/sign-in/forgot', form({ csrf_token: csrf, email: mfaEmail }))).status).toBe(200);
    expect((await call('POST', '/auth/mfa/totp/disable', { headers: mfaHeaders, body: json({ code: 'abcdef' }) })).status).toBe(401);
    expect((await call('POST', '/auth/mfa/totp/disable', { headers: mfaHeaders, body: json({ recovery_code: recoveryCodes[1] }) })).status).toBe(204);
    expect((await call('POST', '/auth/mfa/totp/disable', { headers: mfaHeaders, body: json({ recovery_code: recoveryCodes[2] }) })).status).toBe(404);

    // Refresh: cookie, body, both, refused, and from a foreign origin.
    const refreshed = await call('POST', '/auth/refresh', { headers: { Cookie: browser.cookie } });
    expect(refreshed.status).toBe(200);
    const cookie = cookieOf(refreshed);
    const appRefresh = await call('POST', '/auth/refresh', { headers: JSON_HEADERS, body: json({ refresh_token: app.refreshToken }) });
    expect(appRefresh.status).toBe(200);
    const appToken = ((await appRefresh.json()) as { access_token: string }).access_token;
    expect((await call('POST', '/auth/refresh', { headers: { ...JSON_HEADERS, Cookie: cookie }, body: json({ refresh_token: 'x' }) })).status).toBe(400);
    expect((await call('POST', '/auth/refresh', { headers: { Cookie: '__Host-edge_auth_refresh=not-a-token' } })).status).toBe(401);
    // A browser still holding the old cookie name: refused, and told to clear both names.
    expect((await call('POST', '/auth/refresh', { headers: { Cookie: 'edge_auth_refresh=not-a-token' } })).status).toBe(401);
    expect((await call('POST', '/auth/refresh', { headers: { Origin: 'https://evil.example.test', Cookie: cookie } })).status).toBe(403);

    // Password change: wrong current password, weak new one, success.
    const change = (current: string, next: string) =>
      call('POST', '/auth/password', { headers: { ...JSON_HEADERS, ...bearer(appToken) }, body: json({ current_password: current, new_password: next }) });
    expect((await change('not the password', 'another long passphrase')).status).toBe(401);
    expect((await change(password, 'password')).status).toBe(400);
    const newPassword = 'a second journey passphrase';
    expect((await change(password, newPassword)).status).toBe(204);

    // Ending sessions: one by id, logout in its three forms, logout everywhere.
    const third = await logIn(email, newPassword);
    const thirdId = ((await (await fetch(`${server.url}/auth/me`, { headers: bearer(third.accessToken) })).json()) as { session_id: string }).session_id;
    expect((await call('DELETE', `/auth/sessions/${thirdId}`, { headers: bearer(appToken) })).status).toBe(204);
    expect((await call('POST', '/auth/logout', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(401);
    expect((await call('POST', '/auth/logout', { headers: { Origin: 'https://evil.example.test' } })).status).toBe(403);
    expect((await call('POST', '/auth/logout', { headers: { Origin: APP_ORIGIN } })).status).toBe(204);
    const fourth = await logIn(email, newPassword);
    expect((await call('POST', '/auth/logout', { headers: { Cookie: fourth.cookie, ...bearer(fourth.accessToken) } })).status).toBe(204);
    expect((await call('POST', '/auth/logout-all', { headers: bearer(appToken) })).status).toBe(204);
    expect((await call('POST', '/auth/logout-all', { headers: bearer(appToken) })).status).toBe(401);

    // Admin: refused without the role, then granted: unknown user and success.
    const admin = await logIn(email, newPassword);
    expect((await call('POST', '/admin/users/00.nobody/revoke-sessions', { headers: bearer(admin.accessToken) })).status).toBe(403);
    expect((await call('POST', '/admin/users/00.nobody/revoke-sessions')).status).toBe(401);
    expect((await call('GET', '/admin/users/00.nobody', { headers: bearer(admin.accessToken) })).status).toBe(403);
    expect((await call('GET', '/admin/users/00.nobody')).status).toBe(401);
    const granted = spawnSync(process.execPath, ['scripts/admin.mjs', 'grant', email], { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } });
    expect(granted.status, granted.stderr).toBe(0);
    const realAdmin = await logIn(email, newPassword);
    const adminSelf = ((await (await fetch(`${server.url}/auth/me`, { headers: bearer(realAdmin.accessToken) })).json()) as { user: { id: string } }).user.id;
    expect((await call('POST', '/admin/users/00.nobody/revoke-sessions', { headers: bearer(realAdmin.accessToken) })).status).toBe(404);
    expect((await call('GET', '/admin/users/00.nobody', { headers: bearer(realAdmin.accessToken) })).status).toBe(404);
    expect((await call('GET', `/admin/users/${adminSelf}`, { headers: bearer(realAdmin.accessToken) })).status).toBe(200);
    // The authorization server: its metadata, and clients registered, listed and deleted by the admin.
    expect((await call('GET', '/.well-known/openid-configuration')).status).toBe(200);
    expect((await call('GET', '/.well-known/oauth-authorization-server')).status).toBe(200);
    const clientMetadata = json({ client_name: 'Journey app', redirect_uris: ['https://app.example.test/callback'] });
    expect((await call('POST', '/admin/oauth/clients', { headers: JSON_HEADERS, body: clientMetadata })).status).toBe(401);
    expect((await call('POST', '/admin/oauth/clients', { headers: { ...JSON_HEADERS, ...bearer(admin.accessToken) }, body: clientMetadata })).status).toBe(403);
    expect((await call('POST', '/admin/oauth/clients', { headers: { ...JSON_HEADERS, ...bearer(realAdmin.accessToken) }, body: json({ redirect_uris: ['http://app.example.test/cb'] }) })).status).toBe(400);
    const registeredClient = await call('POST', '/admin/oauth/clients', { headers: { ...JSON_HEADERS, ...bearer(realAdmin.accessToken) }, body: clientMetadata });
    expect(registeredClient.status).toBe(201);
    const journeyClientId = ((await registeredClient.json()) as { client_id: string }).client_id;
    const authorizeQuery = new URLSearchParams({ response_type: 'code', client_id: journeyClientId, redirect_uri: 'https://app.example.test/callback', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256', scope: 'openid', state: 'journey' });
    expect((await call('GET', `/oauth2/authorize?${authorizeQuery}`)).status).toBe(302);
    expect((await call('GET', '/oauth2/authorize?client_id=00.nobody')).status).toBe(400);
    const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect((await call('POST', '/oauth2/token', { headers: formHeaders, body: 'grant_type=client_credentials' })).status).toBe(400);
    const unknownClient = new URLSearchParams({ grant_type: 'authorization_code', code: '00.nothing', redirect_uri: 'https://app.example.test/callback', code_verifier: 'a'.repeat(43), client_id: '00.nobody' });
    expect((await call('POST', '/oauth2/token', { headers: formHeaders, body: unknownClient.toString() })).status).toBe(401);
    expect((await call('GET', '/auth/grants', { headers: bearer(realAdmin.accessToken) })).status).toBe(200);
    expect((await call('GET', '/auth/grants')).status).toBe(401);
    expect((await call('DELETE', '/auth/grants/00.nobody', { headers: bearer(realAdmin.accessToken) })).status).toBe(404);
    expect((await call('DELETE', '/auth/grants/00.nobody')).status).toBe(401);
    expect((await call('GET', '/admin/oauth/clients', { headers: bearer(realAdmin.accessToken) })).status).toBe(200);
    expect((await call('GET', '/admin/oauth/clients', { headers: bearer(admin.accessToken) })).status).toBe(403);
    expect((await call('GET', '/admin/oauth/clients')).status).toBe(401);
    expect((await call('DELETE', `/admin/oauth/clients/${journeyClientId}`, { headers: bearer(realAdmin.accessToken) })).status).toBe(204);
    expect((await call('DELETE', `/admin/oauth/clients/${journeyClientId}`, { headers: bearer(realAdmin.accessToken) })).status).toBe(404);
    expect((await call('DELETE', '/admin/oauth/clients/00.nobody', { headers: bearer(admin.accessToken) })).status).toBe(403);
    expect((await call('DELETE', '/admin/oauth/clients/00.nobody')).status).toBe(401);
    expect((await call('POST', `/admin/users/${adminSelf}/revoke-sessions`, { headers: bearer(realAdmin.accessToken) })).status).toBe(204);

    // Account recovery, with the links npm start mails to its console (mail_console lines).
    const recover = `recover-${crypto.randomUUID()}@example.test`;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      call('POST', path, { headers: { ...JSON_HEADERS, ...headers }, body: json(body) });
    const mailedToken = async (to: string, page: string, notBefore = 0) => tokenOfLink(await waitForMailedLink(server.output, to, page, notBefore));
    expect((await post('/auth/register', { email: recover, password })).status).toBe(201);
    expect((await call('POST', '/auth/email/verification')).status).toBe(401);
    const recovering = await logIn(recover, password, 'body');
    expect((await call('POST', '/auth/email/verification', { headers: bearer(recovering.accessToken) })).status).toBe(429);
    const verifyToken = await mailedToken(recover, '/verify-email');
    expect((await post('/auth/email/verify', { token: 'not-a-link' })).status).toBe(400);
    expect((await post('/auth/email/verify', { token: verifyToken })).status).toBe(200);
    expect((await post('/auth/email/verify', { token: verifyToken })).status).toBe(400);
    expect((await call('POST', '/auth/email/verification', { headers: bearer(recovering.accessToken) })).status).toBe(202);

    // Forgot and reset: a bad address, accepted, limited; a weak password, a bad link, success.
    expect((await post('/auth/password/forgot', { email: 'not an address' })).status).toBe(400);
    expect((await post('/auth/password/forgot', { email: recover })).status).toBe(202);
    expect((await post('/auth/password/forgot', { email: recover })).status).toBe(429);
    const resetToken = await mailedToken(recover, '/reset-password');
    expect((await post('/auth/password/reset', { token: resetToken, new_password: 'password' })).status).toBe(400);
    expect((await post('/auth/password/reset', { token: 'not-a-link', new_password: 'a reset journey passphrase' })).status).toBe(400);
    expect((await post('/auth/password/reset', { token: resetToken, new_password: 'a reset journey passphrase' })).status).toBe(204);
    const reset = await logIn(recover, 'a reset journey passphrase', 'body');

    // Email change: a taken address, a wrong password, accepted; the new address is taken before its link is used.
    const changeEmail = (body: unknown) => post('/auth/email/change', body, bearer(reset.accessToken));
    expect((await changeEmail({ new_email: email, password: 'a reset journey passphrase' })).status).toBe(409);
    expect((await changeEmail({ new_email: `moved-${recover}` })).status).toBe(403);
    expect((await changeEmail({ new_email: `moved-${recover}`, password: 'not the password' })).status).toBe(401);
    expect((await changeEmail({ new_email: `moved-${recover}`, password: 'a reset journey passphrase' })).status).toBe(202);
    const moveToken = await mailedToken(`moved-${recover}`, '/verify-email');
    expect((await post('/auth/register', { email: `moved-${recover}`, password })).status).toBe(201);
    expect((await post('/auth/email/verify', { token: moveToken })).status).toBe(409);

    // Account deletion: a wrong password, then deleted, and its token is refused.
    expect((await post('/auth/account/delete', { password: 'not the password' }, bearer(reset.accessToken))).status).toBe(401);
    expect((await post('/auth/account/delete', { password: 'a reset journey passphrase' }, bearer(reset.accessToken))).status).toBe(204);
    expect((await call('POST', '/auth/account/delete', { headers: bearer(reset.accessToken) })).status).toBe(401);

    // Lockout: repeated wrong passwords end in 429 with Retry-After.
    const locked = `locked-${crypto.randomUUID()}@example.test`;
    let status = 0;
    for (let attempt = 0; attempt < 8 && status !== 429; attempt += 1) {
      status = (await call('POST', '/auth/login', { headers: JSON_HEADERS, body: json({ email: locked, password: 'wrong password' }) })).status;
    }
    expect(status).toBe(429);

    // HTTP: a method a path does not serve, and preflights from an allowed and an unknown origin.
    expect((await call('PUT', '/auth/login')).status).toBe(405);
    expect((await call('GET', '/auth/logout')).status).toBe(405);
    const preflight = { 'Access-Control-Request-Method': 'POST' };
    expect((await call('OPTIONS', '/auth/refresh', { headers: { ...preflight, Origin: APP_ORIGIN } })).status).toBe(204);
    expect((await call('OPTIONS', '/auth/login', { headers: { ...preflight, Origin: 'https://evil.example.test' } })).status).toBe(204);

    expect(validator.problems.map(({ request, problem }) => `${request}: ${problem}`)).toEqual([]);
    // Every route the document describes was exercised.
    const routes = Object.entries(document.paths as Record<string, Record<string, { tags?: string[] }>>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method, operation]) => method !== 'parameters' && !operation.tags?.includes('HTTP'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.filter((route) => !validator.operationsSeen.has(route))).toEqual([]);
  });
});
