// The SDK's refresh: single flight, one retry on 401 and never a loop, a clean sign-out when refused.
import { describe, expect, it } from 'vitest';
import { AuthClientError, createAuthClient, type AuthClient, type AuthSession, type AuthStatus } from '../../src/client';
import { createTestBrowser, type Interceptor, type TestBrowser } from '../helpers/browser';
import { BASE_URL, createTestClient, createTestClock, DEFAULT_PASSWORD, uniqueEmail, type TestClient, type TestClock } from '../helpers/client';

const ACCESS_TOKEN_TTL_SECONDS = 900;
const SERVER_CLOCK_SKEW_SECONDS = 30;

interface SignedInClient {
  server: TestClient;
  browser: TestBrowser;
  auth: AuthClient;
}

/** A real app, a browser in front of it, and an SDK signed in as a new user. `sdkClock` lets the SDK's time lag the server's. */
async function signedInClient(options: { sdkClock?: TestClock; intercept?: Interceptor } = {}): Promise<SignedInClient> {
  const server = createTestClient();
  const browser = createTestBrowser(server, options.intercept);
  const auth = createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: (options.sdkClock ?? server.clock).now, crossTab: false });
  const email = uniqueEmail('sdk');
  await auth.register(email, DEFAULT_PASSWORD);
  await auth.login(email, DEFAULT_PASSWORD);
  return { server, browser, auth };
}

function twenty<T>(make: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: 20 }, make));
}

describe('client SDK: refreshing the access token', () => {
  it('sends exactly one refresh request when 20 concurrent calls find the access token about to expire', async () => {
    const { server, browser, auth } = await signedInClient();
    server.clock.advanceSeconds(ACCESS_TOKEN_TTL_SECONDS - 10);

    const responses = await twenty(() => auth.fetch('/auth/me'));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(browser.count('/auth/refresh')).toBe(1);
    expect(browser.count('/auth/me')).toBe(20);
  });

  it('refreshes once when 20 concurrent calls come back 401, and retries each call once', async () => {
    const sdkClock = createTestClock();
    const { server, browser, auth } = await signedInClient({ sdkClock });
    // The SDK still believes its token fresh; the server's clock says it expired.
    server.clock.advanceSeconds(ACCESS_TOKEN_TTL_SECONDS + SERVER_CLOCK_SKEW_SECONDS + 1);

    const responses = await twenty(() => auth.fetch('/auth/me'));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(browser.count('/auth/refresh')).toBe(1);
    expect(browser.count('/auth/me')).toBe(40);
    const statuses = browser.requests.filter((request) => request.path === '/auth/me').map((request) => request.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(20);
  });

  it('retries a call rejected with 401 once, with a new token, and then returns the 401 instead of looping', async () => {
    const bearers: (string | null)[] = [];
    const alwaysUnauthorized: Interceptor = (url, init) => {
      if (url.pathname !== '/api/always-401') return undefined;
      bearers.push(new Headers(init.headers).get('Authorization'));
      return new Response('{"error":"invalid_token","message":"no"}', { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
    };
    const { browser, auth } = await signedInClient({ intercept: alwaysUnauthorized });

    const response = await auth.fetch('/api/always-401');

    expect(response.status).toBe(401);
    expect(browser.count('/api/always-401')).toBe(2);
    expect(browser.count('/auth/refresh')).toBe(1);
    expect(bearers[0]).toMatch(/^Bearer /);
    expect(bearers[1]).toMatch(/^Bearer /);
    expect(bearers[1]).not.toBe(bearers[0]);
    expect(auth.getStatus()).toBe('signed_in');
  });

  it('signs out cleanly when the refresh is refused: one refresh, typed errors, one change, no cookie left', async () => {
    const { server, browser, auth } = await signedInClient();
    const changes: [AuthSession | null, AuthStatus][] = [];
    auth.onChange((session, status) => changes.push([session, status]));
    // The session is revoked elsewhere (another device logs it out).
    const accessToken = await auth.getAccessToken();
    const revoked = await server.fetch('/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${accessToken}` } });
    expect(revoked.status).toBe(204);

    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => auth.fetch('/auth/me')));

    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(AuthClientError);
      expect((reason as AuthClientError).code).toBe('session_expired');
    }
    expect(browser.count('/auth/refresh')).toBe(1);
    expect(browser.count('/auth/me')).toBe(5);
    expect(auth.getSession()).toBeNull();
    expect(auth.getStatus()).toBe('signed_out');
    expect(changes).toEqual([[null, 'signed_out']]);
    expect(browser.refreshCookie()).toBeUndefined();

    const sentBefore = browser.requests.length;
    await expect(auth.fetch('/auth/me')).rejects.toMatchObject({ code: 'not_signed_in' });
    expect(browser.requests.length).toBe(sentBefore);
  });

  it('keeps the session when a refresh fails because the service is unavailable', async () => {
    const { server, browser, auth } = await signedInClient();
    server.clock.advanceSeconds(ACCESS_TOKEN_TTL_SECONDS);
    server.storage.injectFault({ target: 'd1', kind: 'throw', times: 1 });

    await expect(auth.fetch('/auth/me')).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
    expect(auth.getStatus()).toBe('signed_in');

    const retried = await auth.fetch('/auth/me');
    expect(retried.status).toBe(200);
    expect(browser.count('/auth/refresh')).toBe(2);
  });
});
