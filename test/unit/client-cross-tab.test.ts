// Tabs of one origin: they share fresh tokens, never refresh at the same time, and sign out together.
import { describe, expect, it } from 'vitest';
import { createAuthClient, type AuthClient } from '../../src/client';
import { createTabHub, createTestBrowser, settleMessages, type TabHub, type TestBrowser } from '../helpers/browser';
import { BASE_URL, createTestClient, DEFAULT_PASSWORD, uniqueEmail, type TestClient } from '../helpers/client';

interface TwoTabs {
  server: TestClient;
  browser: TestBrowser;
  hub: TabHub;
  first: AuthClient;
  second: AuthClient;
}

/** Two signed-out tabs of one browser (one cookie jar). */
function twoTabs(): TwoTabs {
  const server = createTestClient();
  const browser = createTestBrowser(server);
  const hub = createTabHub();
  const open = () => createAuthClient({ baseUrl: BASE_URL, fetch: browser.fetch, now: server.clock.now, crossTab: hub.openTab() });
  return { server, browser, hub, first: open(), second: open() };
}

/** Two tabs of one browser, both signed in as a new user. */
async function twoSignedInTabs(): Promise<TwoTabs> {
  const tabs = twoTabs();
  const { first, second } = tabs;
  const email = uniqueEmail('tabs');
  await first.register(email, DEFAULT_PASSWORD);
  await first.login(email, DEFAULT_PASSWORD);
  await second.init();
  await settleMessages();
  return tabs;
}

describe('client SDK: coordination between tabs', () => {
  it('signs the other tabs out, without a request of theirs, when one tab logs out', async () => {
    const { browser, first, second } = await twoSignedInTabs();
    expect(second.getStatus()).toBe('signed_in');
    const sentBySecond = browser.requests.length;

    await first.logout();
    await settleMessages();

    expect(second.getSession()).toBeNull();
    expect(second.getStatus()).toBe('signed_out');
    expect(browser.requests.slice(sentBySecond).map((request) => request.path)).toEqual(['/auth/logout']);
  });

  it('hands a refreshed token to the other tabs, so they do not refresh again', async () => {
    const { server, browser, first, second } = await twoSignedInTabs();
    server.clock.advanceSeconds(900);

    expect((await first.fetch('/auth/me')).status).toBe(200);
    await settleMessages();
    const refreshes = browser.count('/auth/refresh');
    expect((await second.fetch('/auth/me')).status).toBe(200);

    expect(browser.count('/auth/refresh')).toBe(refreshes);
    expect(second.getSession()?.accessTokenExpiresAt).toBe(first.getSession()?.accessTokenExpiresAt);
  });

  it('never lets two tabs refresh at once, and both stay signed in', async () => {
    const { server, browser, first, second } = await twoSignedInTabs();
    server.clock.advanceSeconds(900);

    const [fromFirst, fromSecond] = await Promise.all([first.fetch('/auth/me'), second.fetch('/auth/me')]);

    expect([fromFirst.status, fromSecond.status]).toEqual([200, 200]);
    expect(browser.maxInFlight('/auth/refresh')).toBe(1);
    const refreshStatuses = browser.requests.filter((request) => request.path === '/auth/refresh').map((request) => request.status);
    expect(refreshStatuses.every((status) => status === 200)).toBe(true);
    expect([first.getStatus(), second.getStatus()]).toEqual(['signed_in', 'signed_in']);
  });

  it('signs the other tabs in when one tab logs in', async () => {
    const { first, second } = twoTabs();
    expect(await second.init()).toBeNull();
    const email = uniqueEmail('tabs');
    await first.register(email, DEFAULT_PASSWORD);

    const { sessionId } = await first.login(email, DEFAULT_PASSWORD);
    await settleMessages();

    expect(second.getSession()?.sessionId).toBe(sessionId);
  });

  it('ignores messages that are not shaped like its own', async () => {
    const { hub, second } = await twoSignedInTabs();
    const before = second.getSession();

    hub.postFromElsewhere({ type: 'signed-out' });
    hub.postFromElsewhere({ type: 'session', accessToken: 'not.a.token', obtainedAt: Number.MAX_SAFE_INTEGER, expiresAt: 1 });
    hub.postFromElsewhere('hello');
    await settleMessages();

    expect(second.getSession()).toEqual(before);
  });
});
