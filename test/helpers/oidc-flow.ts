// Drives a provider sign-in end to end: edge-auth's redirect, the real provider's own login and consent pages, and the callback.
import { inject } from 'vitest';
import { OAUTH_BINDING_COOKIE_NAME } from '../../src/providers/binding-cookie';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../scripts/lib/local-oidc-client.mjs';
import { CookieJar, walkProviderPages, type ProviderBehaviour } from '../support/oidc-pages';
import { BASE_URL, createTestClient, type TestClient, type TestClientOptions } from './client';

export { CookieJar, type ProviderBehaviour };

declare module 'vitest' {
  export interface ProvidedContext {
    oidcIssuer: string;
    oidcProxyIssuers: Record<'honest' | 'nonce' | 'key' | 'iss' | 'aud' | 'expired' | 'azp' | 'audiences' | 'nonceless', string>;
  }
}

export const APP_URL = `${BASE_URL}/app/signed-in`;

/** OAUTH_PROVIDERS for tests: "local" is the real provider, "tamper-<mode>" its tampering proxy, "other" a second client of it. */
export function testOAuthProviders(): string {
  const entry = (issuer: string) => ({ issuer, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET });
  const proxies = Object.entries(inject('oidcProxyIssuers')).map(([mode, issuer]) => [`tamper-${mode}`, entry(issuer)]);
  return JSON.stringify({ local: entry(inject('oidcIssuer')), other: entry(inject('oidcIssuer')), ...Object.fromEntries(proxies) });
}

/** A test client whose OAUTH_PROVIDERS names the test provider. */
export function createOAuthTestClient(options: TestClientOptions = {}): TestClient {
  return createTestClient({ ...options, vars: { IP_RATE_LIMIT_PER_MINUTE: '0', OAUTH_PROVIDERS: testOAuthProviders(), ...options.vars } });
}

/** One browser going through a provider sign-in. */
export interface BrowserFlow {
  /** edge-auth's cookies in this browser (the binding cookie and, after success, the refresh cookie). */
  edgeAuth: CookieJar;
  provider: CookieJar;
  /** The 302 of GET /auth/oauth/:provider. */
  start: Response;
}

/** GET /auth/oauth/:provider?redirect_to=… in a fresh browser. */
export async function startFlow(client: TestClient, providerId: string, redirectTo = APP_URL): Promise<BrowserFlow> {
  const edgeAuth = new CookieJar();
  const start = await client.fetch(`/auth/oauth/${providerId}?redirect_to=${encodeURIComponent(redirectTo)}`, { redirect: 'manual' });
  edgeAuth.store(start);
  return { edgeAuth, provider: new CookieJar(), start };
}

/**
 * Follows the provider's redirects and fills in its own pages (login, then
 * consent) until it sends the browser back to edge-auth; returns that
 * callback URL (code, state and the provider's `iss`).
 */
export function passProvider(flow: BrowserFlow, behaviour: ProviderBehaviour): Promise<URL> {
  return walkProviderPages(flow.start.headers.get('Location') ?? '', BASE_URL, flow.provider, behaviour);
}

/** GET the callback in this browser (with its cookies, or others given). */
export async function finishFlow(client: TestClient, flow: BrowserFlow, callback: URL, cookieHeader = flow.edgeAuth.header()): Promise<Response> {
  const response = await client.fetch(`${callback.pathname}${callback.search}`, { redirect: 'manual', headers: cookieHeader === '' ? {} : { Cookie: cookieHeader } });
  flow.edgeAuth.store(response);
  return response;
}

/** The whole flow in one browser: start, provider pages, callback. */
export async function signInWithProvider(client: TestClient, providerId: string, behaviour: ProviderBehaviour, redirectTo = APP_URL): Promise<{ flow: BrowserFlow; callback: URL; response: Response }> {
  const flow = await startFlow(client, providerId, redirectTo);
  if (flow.start.status !== 302) throw new Error(`start answered ${flow.start.status}: ${await flow.start.text()}`);
  const callback = await passProvider(flow, behaviour);
  // The tampering proxy stands for a provider that does not name itself in the callback (no RFC 9207 iss).
  if (providerId.startsWith('tamper-')) callback.searchParams.delete('iss');
  const response = await finishFlow(client, flow, callback);
  return { flow, callback, response };
}

/** The `#error=` code of a callback's redirect, or null. */
export function errorOf(response: Response): string | null {
  const location = response.headers.get('Location') ?? '';
  return /#error=([a-z_]+)(?:&|$)/.exec(location)?.[1] ?? null;
}

export { OAUTH_BINDING_COOKIE_NAME };

/** A fresh provider login (an address); `unverified` ones are reported unverified by the provider. */
export function providerLogin(kind: 'verified' | 'unverified' = 'verified'): string {
  return `${kind}-${crypto.randomUUID().slice(0, 12)}@example.test`;
}

/** The refresh token a successful callback set. */
export function refreshTokenOf(response: Response): string {
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-edge_auth_refresh='));
  const token = cookie?.split(';')[0]?.split('=')[1];
  if (!token) throw new Error(`the callback set no refresh cookie (Location ${response.headers.get('Location')})`);
  return token;
}

/** A successful provider sign-in followed by the app's refresh: the access token and the session's refresh token. */
export async function providerSession(client: TestClient, providerId: string, login: string): Promise<{ accessToken: string; refreshToken: string; response: Response }> {
  const { response } = await signInWithProvider(client, providerId, { login });
  const refreshed = await client.fetch('/auth/refresh', { method: 'POST', headers: { Cookie: `__Host-edge_auth_refresh=${refreshTokenOf(response)}` } });
  if (refreshed.status !== 200) throw new Error(`refresh after provider sign-in failed: ${refreshed.status}`);
  const body = (await refreshed.json()) as { access_token: string };
  const rotated = refreshed.headers.getSetCookie().find((line) => line.startsWith('__Host-edge_auth_refresh='))?.split(';')[0]?.split('=')[1] ?? '';
  return { accessToken: body.access_token, refreshToken: rotated, response };
}
