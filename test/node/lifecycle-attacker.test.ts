// Against `npm start`, as an attacker would: pre-registration (passkey, TOTP, provider), a stolen access token, and a
// provider sign-in to a TOTP account all fail to gain or keep access (DESIGN, "Account and factor lifecycle").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, startTestOidcProvider } from '../../scripts/lib/local-oidc-provider.mjs';
import { base32ToBytes, totpCodeForStep, totpStepAt } from '../../src/totp/totp';
import { tokenOfLink, waitForMailedLink } from '../support/console-mail';
import { findFreePort, startDevServer, type DevServer } from '../support/dev-server.mjs';
import { CookieJar, walkProviderPages } from '../support/oidc-pages';

let server: DevServer;
let provider: Awaited<ReturnType<typeof startTestOidcProvider>>;

beforeAll(async () => {
  const port = await findFreePort();
  provider = await startTestOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/auth/oauth/local/callback`] });
  const oauthProviders = JSON.stringify({ local: { issuer: provider.issuer, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET } });
  server = await startDevServer({ port, vars: { IP_RATE_LIMIT_PER_MINUTE: '0', OAUTH_PROVIDERS: oauthProviders } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await provider?.stop();
});

const ATTACKER_PASSWORD = 'the attacker typed this one';
const OWNER_PASSWORD = 'the owner chose this passphrase';

function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const withBody = body === undefined ? {} : { body: JSON.stringify(body) };
  return fetch(`${server.url}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, ...withBody });
}

const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

/** A password sign-in with the tokens in the body: the access and refresh tokens. */
async function signIn(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await send('POST', '/auth/login', { email, password, token_delivery: 'body' });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  return { accessToken: body.access_token, refreshToken: body.refresh_token };
}

/** The owner takes the address back through the mailed reset link. */
async function ownerResets(email: string): Promise<void> {
  expect((await send('POST', '/auth/password/forgot', { email })).status).toBe(202);
  const link = await waitForMailedLink(server.output, email, '/reset-password');
  expect((await send('POST', '/auth/password/reset', { token: tokenOfLink(link), new_password: OWNER_PASSWORD })).status).toBe(204);
}

/** A fresh address the test provider reports verified (or unverified). */
function address(kind: 'verified' | 'unverified'): string {
  return `${kind}-${crypto.randomUUID().slice(0, 12)}@example.test`;
}

/** The owner's account with a verified address, signed in. */
async function verifiedOwner(): Promise<{ email: string; accessToken: string }> {
  const email = address('verified');
  expect((await send('POST', '/auth/register', { email, password: OWNER_PASSWORD })).status).toBe(201);
  const link = await waitForMailedLink(server.output, email, '/verify-email');
  expect((await send('POST', '/auth/email/verify', { token: tokenOfLink(link) })).status).toBe(200);
  return { email, ...(await signIn(email, OWNER_PASSWORD)) };
}

/** A provider sign-in through the real provider's pages: the callback's redirect. */
async function providerSignIn(login: string): Promise<Response> {
  const edgeAuth = new CookieJar();
  const start = await fetch(`${server.url}/auth/oauth/local?redirect_to=${encodeURIComponent(`${server.url}/`)}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  edgeAuth.store(start);
  const callback = await walkProviderPages(start.headers.get('Location') ?? '', server.url, new CookieJar(), { login });
  return fetch(`${server.url}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: { Cookie: edgeAuth.header() } });
}

function fragmentOf(response: Response): URLSearchParams {
  return new URLSearchParams(new URL(response.headers.get('Location') ?? '', server.url).hash.slice(1));
}

describe('pre-registration of the victim address', () => {
  it('cannot plant a passkey, and the owner reset ends the attacker sessions', async () => {
    const email = address('verified');
    expect((await send('POST', '/auth/register', { email, password: ATTACKER_PASSWORD })).status).toBe(201);
    const attacker = await signIn(email, ATTACKER_PASSWORD);
    const options = await send('POST', '/auth/passkeys/registration-options', { password: ATTACKER_PASSWORD }, bearer(attacker.accessToken));
    expect(options.status).toBe(403);
    expect(await errorCode(options)).toBe('email_not_verified');

    expect((await send('POST', '/auth/register', { email, password: OWNER_PASSWORD })).status).toBe(409);
    await ownerResets(email);
    expect((await send('POST', '/auth/login', { email, password: OWNER_PASSWORD, token_delivery: 'body' })).status).toBe(200);
    expect((await send('POST', '/auth/refresh', { refresh_token: attacker.refreshToken })).status).toBe(401);
    expect((await send('GET', '/auth/me', undefined, bearer(attacker.accessToken))).status).toBe(401);
  }, 60_000);

  it('cannot turn TOTP on, so the owner is never locked out by the attacker factor', async () => {
    const email = address('verified');
    expect((await send('POST', '/auth/register', { email, password: ATTACKER_PASSWORD })).status).toBe(201);
    const attacker = await signIn(email, ATTACKER_PASSWORD);
    const setup = await send('POST', '/auth/mfa/totp/setup', { password: ATTACKER_PASSWORD }, bearer(attacker.accessToken));
    expect(setup.status).toBe(403);
    expect(await errorCode(setup)).toBe('email_not_verified');

    await ownerResets(email);
    const login = await send('POST', '/auth/login', { email, password: OWNER_PASSWORD, token_delivery: 'body' });
    expect(login.status).toBe(200);
  }, 60_000);

  it('cannot make an account from a provider that asserts the address unverified', async () => {
    const email = address('unverified');
    const callback = await providerSignIn(email);
    expect(callback.status).toBe(302);
    expect(fragmentOf(callback).get('error')).toBe('email_not_verified');
    expect(callback.headers.getSetCookie().some((line) => line.startsWith('__Host-edge_auth_refresh='))).toBe(false);
    // Nothing was made: the owner registers the address as new.
    expect((await send('POST', '/auth/register', { email, password: OWNER_PASSWORD })).status).toBe(201);
  }, 60_000);
});

describe('a stolen access token', () => {
  it('cannot add a passkey, turn TOTP on, or delete the account without a proof', async () => {
    const owner = await verifiedOwner();
    const stolen = bearer(owner.accessToken);
    const attempts = [
      await send('POST', '/auth/passkeys/registration-options', {}, stolen),
      await send('POST', '/auth/mfa/totp/setup', {}, stolen),
      await send('POST', '/auth/account/delete', {}, stolen),
      await send('POST', '/auth/email/change', { new_email: address('verified') }, stolen),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('reauthentication_required');
    }
    const guessed = await send('POST', '/auth/passkeys/registration-options', { password: 'a guess at the password' }, stolen);
    expect(guessed.status).toBe(401);
    expect(await errorCode(guessed)).toBe('invalid_credentials');
    expect((await send('GET', '/auth/me', undefined, stolen)).status).toBe(200);
  }, 60_000);
});

describe('a provider sign-in to an account with TOTP on', () => {
  it('stops at the second step and opens no session', async () => {
    const owner = await verifiedOwner();
    const setup = await send('POST', '/auth/mfa/totp/setup', { password: OWNER_PASSWORD }, bearer(owner.accessToken));
    expect(setup.status).toBe(200);
    const secret = base32ToBytes(((await setup.json()) as { secret: string }).secret);
    if (!secret) throw new Error('the secret is not base32');
    const code = await totpCodeForStep(secret, totpStepAt(Math.floor(Date.now() / 1000)));
    expect((await send('POST', '/auth/mfa/totp/enable', { code }, bearer(owner.accessToken))).status).toBe(200);

    const callback = await providerSignIn(owner.email);
    expect(callback.status).toBe(302);
    const fragment = fragmentOf(callback);
    expect(fragment.get('error')).toBe('mfa_required');
    expect(fragment.get('mfa_token')).toMatch(/.{20,}/);
    expect(callback.headers.getSetCookie().some((line) => line.startsWith('__Host-edge_auth_refresh='))).toBe(false);
  }, 60_000);
});
