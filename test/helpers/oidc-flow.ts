// Drives a provider sign-in end to end: edge-auth's redirect, the real provider's own login and consent pages, and the callback.
import { inject } from 'vitest';
import { OAUTH_BINDING_COOKIE_NAME } from '../../src/http/oauth-cookie';
import { BASE_URL, createTestClient, type TestClient, type TestClientOptions } from './client';

declare module 'vitest' {
  export interface ProvidedContext {
    oidcIssuer: string;
    oidcProxyIssuers: Record<'honest' | 'nonce' | 'key' | 'iss' | 'aud' | 'expired', string>;
  }
}

export const TEST_CLIENT_ID = 'edge-auth-test';
export const TEST_CLIENT_SECRET = 'edge-auth-test-secret-that-is-long-enough';
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

/** A browser's cookies for one site: name → value (paths are ignored; the provider does not rely on them). */
export class CookieJar {
  readonly values = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.values.delete(name);
      else this.values.set(name, value);
    }
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The first form on a provider page: its action and its fields' current values. */
function readForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form on the provider page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]?.matchAll(/<input[^>]*>/g) ?? []) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    if (name) fields[name] = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
  }
  return { action: new URL((form[1] ?? '').replaceAll('&amp;', '&'), pageUrl).href, fields };
}

/** The provider's "cancel" link on its login page (the user refuses). */
function readAbortLink(html: string, pageUrl: string): string {
  const link = /href="([^"]*\/abort)"/.exec(html);
  if (!link) throw new Error('no abort link on the provider page');
  return new URL(link[1] ?? '', pageUrl).href;
}

/** What a test does at the provider. */
export interface ProviderBehaviour {
  /** The login typed into the provider's page: an address; "unverified…" ones are unverified. */
  login: string;
  /** Refuse at the login page (the provider answers access_denied). */
  cancel?: boolean;
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
export async function passProvider(flow: BrowserFlow, behaviour: ProviderBehaviour): Promise<URL> {
  let next = flow.start.headers.get('Location');
  let init: RequestInit = {};
  for (let step = 0; step < 20 && next !== null; step++) {
    if (next.startsWith(BASE_URL)) return new URL(next);
    const response = await fetch(next, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), Cookie: flow.provider.header() } });
    flow.provider.store(response);
    const pageUrl = next;
    init = {};
    if (response.status >= 300 && response.status < 400) {
      next = new URL(response.headers.get('Location') ?? '', pageUrl).href;
      await response.body?.cancel();
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`provider answered ${response.status}: ${html.slice(0, 300)}`);
    if (behaviour.cancel && html.includes('name="login"')) {
      next = readAbortLink(html, pageUrl);
      continue;
    }
    const form = readForm(html, pageUrl);
    if ('login' in form.fields) Object.assign(form.fields, { login: behaviour.login, password: 'any password works here' });
    next = form.action;
    init = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form.fields).toString() };
  }
  throw new Error('the provider never sent the browser back');
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
  return /#error=([a-z_]+)$/.exec(location)?.[1] ?? null;
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
