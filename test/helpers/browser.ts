// A browser stand-in for SDK tests: a fetch into the real app with a cookie jar
// that honours Path and `credentials`, and an in-memory BroadcastChannel and
// Web Locks shared by several "tabs" (workerd has no working BroadcastChannel
// between objects and no navigator.locks).

import type { AuthRequestInit, CrossTabChannel, CrossTabLocks, FetchLike } from '../../src/client';
import { REFRESH_COOKIE_NAME, REFRESH_COOKIE_PATH } from '../../src/http/cookies';
import { refreshCookieFrom, type TestClient } from './client';

/** A request the browser sent, as the tests inspect it. */
export interface SentRequest {
  method: string;
  path: string;
  headers: Headers;
  status: number;
}

/** Answers some paths itself, like a separate API that is not edge-auth. */
export type Interceptor = (url: URL, init: AuthRequestInit) => Response | undefined;

export interface TestBrowser {
  /** Pass this to createAuthClient({ fetch }). */
  fetch: FetchLike;
  requests: SentRequest[];
  /** Requests sent to a path so far. */
  count(path: string): number;
  /** The most requests to `path` that were ever in flight at once. */
  maxInFlight(path: string): number;
  /** The refresh token in the jar (tests only: page script could never read it). */
  refreshCookie(): string | undefined;
  /** Makes every following request fail like a network outage. */
  goOffline(): void;
}

const COOKIE_PATH = REFRESH_COOKIE_PATH;

/** A browser whose tabs share one cookie jar, talking to the app of `client`. */
export function createTestBrowser(client: TestClient, intercept?: Interceptor): TestBrowser {
  let jar: string | undefined;
  let offline = false;
  const requests: SentRequest[] = [];
  const inFlight = new Map<string, number>();
  const peaks = new Map<string, number>();

  async function send(input: string, init: AuthRequestInit = {}): Promise<Response> {
    if (offline) throw new TypeError('Failed to fetch');
    const url = new URL(input);
    const { credentials = 'same-origin', ...rest } = init;
    const headers = new Headers(rest.headers);
    const method = (rest.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') headers.set('Origin', url.origin);
    const withCookies = credentials !== 'omit';
    const pathMatches = url.pathname === COOKIE_PATH || url.pathname.startsWith(COOKIE_PATH.endsWith('/') ? COOKIE_PATH : `${COOKIE_PATH}/`);
    if (withCookies && pathMatches && jar !== undefined) headers.set('Cookie', `${REFRESH_COOKIE_NAME}=${jar}`);
    const path = url.pathname;
    const record: SentRequest = { method, path, headers, status: 0 };
    requests.push(record);
    inFlight.set(path, (inFlight.get(path) ?? 0) + 1);
    peaks.set(path, Math.max(peaks.get(path) ?? 0, inFlight.get(path) ?? 0));
    try {
      const response = intercept?.(url, { ...rest, headers }) ?? (await client.fetch(url.href, { ...rest, headers }));
      record.status = response.status;
      if (withCookies) storeCookie(response);
      return response;
    } finally {
      inFlight.set(path, (inFlight.get(path) ?? 1) - 1);
    }
  }

  function storeCookie(response: Response): void {
    const ours = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${REFRESH_COOKIE_NAME}=`));
    if (ours === undefined) return;
    jar = /Max-Age=0(;|$)/.test(ours) ? undefined : refreshCookieFrom(response);
  }

  return {
    fetch: send,
    requests,
    count: (path) => requests.filter((request) => request.path === path).length,
    maxInFlight: (path) => peaks.get(path) ?? 0,
    refreshCookie: () => jar,
    goOffline: () => {
      offline = true;
    },
  };
}

/** One tab's view of the shared channel and locks. */
export interface TestTab {
  channel: CrossTabChannel;
  locks: CrossTabLocks;
}

export interface TabHub {
  /** Opens the channel and lock manager of a new tab. */
  openTab(): TestTab;
  /** Posts a message as if from some other tab. */
  postFromElsewhere(data: unknown): void;
}

/** BroadcastChannel and Web Locks semantics for tabs of one origin, in memory. */
export function createTabHub(): TabHub {
  const listeners = new Map<object, ((event: { data: unknown }) => void)[]>();
  const lockTails = new Map<string, Promise<unknown>>();

  function deliver(from: object | null, data: unknown): void {
    for (const [tab, tabListeners] of listeners) {
      if (tab === from) continue;
      const copy = structuredClone(data);
      // Like BroadcastChannel: delivered later, as a task, never to the sender.
      setTimeout(() => tabListeners.forEach((listener) => listener({ data: copy })), 0);
    }
  }

  const locks: CrossTabLocks = {
    request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T> {
      const previous = lockTails.get(name) ?? Promise.resolve();
      const run = previous.then(() => callback({ name }));
      lockTails.set(name, run.catch(() => undefined));
      return run;
    },
  };

  return {
    openTab() {
      const tab = {};
      listeners.set(tab, []);
      return {
        locks,
        channel: {
          postMessage: (data) => deliver(tab, data),
          addEventListener: (_type, listener) => listeners.get(tab)?.push(listener),
          close: () => listeners.delete(tab),
        },
      };
    },
    postFromElsewhere: (data) => deliver(null, data),
  };
}

/** Waits until queued cross-tab messages have been delivered. */
export function settleMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}
