// A test client that calls the real app in workerd, with a movable clock,
// optional variable overrides, and counted (or broken) D1 and KV bindings.

import { env } from 'cloudflare:workers';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../../src/app';
import { REFRESH_COOKIE_NAME } from '../../src/http/cookies';
import type { Bindings } from '../../src/http/app-env';
import { databaseForKey, shardMapOf } from '../../src/storage/database';
import { instrumentBindings, type InstrumentedBindings } from './bindings';
import { decodeToken } from './forge';

export const BASE_URL = 'https://auth.example.test';

/** A clock the test moves by hand. */
export interface TestClock {
  now(): number;
  advanceSeconds(seconds: number): void;
}

export function createTestClock(startMilliseconds = Date.now()): TestClock {
  let current = startMilliseconds;
  return {
    now: () => current,
    advanceSeconds: (seconds) => {
      current += seconds * 1000;
    },
  };
}

export interface TestClientOptions {
  /** Variables to override (strings, as in wrangler.toml). */
  vars?: Partial<Record<string, string>>;
  clock?: TestClock;
  /** Another real D1 database to run against (the migration test's). */
  db?: D1Database;
  /** Bindings to put in place of the real ones (e.g. a recording wrapper around a queue). */
  bindings?: Record<string, unknown>;
}

export interface TestClient {
  clock: TestClock;
  storage: InstrumentedBindings;
  env: Bindings;
  /** Sends a request to the app; `path` may be relative to BASE_URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** POSTs JSON. */
  postJson(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** Builds a client around a fresh app instance over the real bindings. */
export function createTestClient(options: TestClientOptions = {}): TestClient {
  const clock = options.clock ?? createTestClock();
  const storage = instrumentBindings(options.db ?? env.DB, env.KV, options.db ? {} : otherShardBindings());
  const testEnv = { ...env, ...options.vars, ...options.bindings, DB: storage.DB, KV: storage.KV, ...storage.shards } as unknown as Bindings;
  const app = createApp({ now: clock.now });
  async function send(path: string, init?: RequestInit): Promise<Response> {
    const request = new Request(new URL(path, BASE_URL), init);
    const ctx = createExecutionContext();
    const response = await app.fetch(request, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }
  return {
    clock,
    storage,
    env: testEnv,
    fetch: send,
    postJson: (path, body, headers = {}) =>
      send(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  };
}

/** The D1 bindings of every shard but 00 (DB), by binding name: none when the suite runs with one shard. */
export function otherShardBindings(): Record<string, D1Database> {
  const bindings = env as unknown as Record<string, D1Database>;
  return Object.fromEntries(
    shardMapOf(env)
      .shards.filter((shard) => shard.binding !== 'DB')
      .map((shard) => [shard.binding, bindings[shard.binding]!]),
  );
}

let userCounter = 0;

/** A unique email for this test run. */
export function uniqueEmail(label = 'user'): string {
  userCounter++;
  return `${label}-${userCounter}-${crypto.randomUUID().slice(0, 8)}@example.test`;
}

export const DEFAULT_PASSWORD = 'a perfectly fine passphrase';

/** Reads the refresh token out of a response's Set-Cookie, if any. */
export function refreshCookieFrom(response: Response): string | undefined {
  const header = response.headers.get('Set-Cookie') ?? '';
  const match = new RegExp(`(?:^|[ ,])${REFRESH_COOKIE_NAME}=([^;]*)`).exec(header);
  return match?.[1] || undefined;
}

/** A registered and signed-in user with its tokens (cookie delivery). */
export interface SignedInUser {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

/** Registers a new user (its address verified with `verified`) and signs in once. */
export async function signUpAndLogIn(client: TestClient, options: { email?: string; password?: string; delivery?: 'cookie' | 'body'; verified?: boolean } = {}): Promise<SignedInUser> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? DEFAULT_PASSWORD;
  const registered = await client.postJson('/auth/register', { email, password });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
  const { user } = (await registered.json()) as { user: { id: string } };
  if (options.verified) await markEmailVerified(client, user.id);
  const session = await logIn(client, email, password, options.delivery ?? 'cookie');
  return { email, password, userId: user.id, ...session };
}

/** Marks the user's address verified in D1, as following a verification link would (setup for tests of enrolments). */
export async function markEmailVerified(client: TestClient, userId: string): Promise<void> {
  await databaseForKey(client.env, userId).prepare('UPDATE users SET email_verified = 1 WHERE id = ?1').bind(userId).run();
}

/** Registers a new user, marks the address verified (enrolments need it) and signs in once. */
export function signUpVerified(client: TestClient, options: Omit<NonNullable<Parameters<typeof signUpAndLogIn>[1]>, 'verified'> = {}): Promise<SignedInUser> {
  return signUpAndLogIn(client, { ...options, verified: true });
}

/** Signs in and returns the tokens and session id. */
export async function logIn(client: TestClient, email: string, password: string, delivery: 'cookie' | 'body' = 'cookie'): Promise<{ accessToken: string; refreshToken: string; sessionId: string }> {
  const response = await client.postJson('/auth/login', { email, password, token_delivery: delivery });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { access_token: string; refresh_token?: string };
  const refreshToken = delivery === 'body' ? body.refresh_token : refreshCookieFrom(response);
  if (!refreshToken) throw new Error('login returned no refresh token');
  return { accessToken: body.access_token, refreshToken, sessionId: String(decodeToken(body.access_token).payload.sid) };
}

/** Refreshes with the cookie; returns the raw response. */
export function refreshWithCookie(client: TestClient, refreshToken: string, headers: Record<string, string> = {}): Promise<Response> {
  return client.fetch('/auth/refresh', { method: 'POST', headers: { Cookie: `${REFRESH_COOKIE_NAME}=${refreshToken}`, ...headers } });
}

/** GET /auth/me with a bearer token. */
export function getMe(client: TestClient, accessToken: string): Promise<Response> {
  return client.fetch('/auth/me', { headers: { Authorization: `Bearer ${accessToken}` } });
}

let ipCounter = 0;

/**
 * A client IP no other test uses (for `CF-Connecting-IP`), so per-IP
 * counters never interfere between tests.
 */
export function uniqueIp(): string {
  ipCounter++;
  const random = crypto.getRandomValues(new Uint8Array(2));
  return `10.${random[0]}.${random[1]}.${ipCounter % 250}`;
}

/** Sends a request with a bearer token (and a JSON body when given). */
export function sendWithBearer(client: TestClient, method: string, path: string, accessToken: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${accessToken}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return client.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Whether a session still works both ways: its access token on /auth/me, and a refresh (returns the rotated token). */
export async function probeSession(client: TestClient, session: { accessToken: string; refreshToken: string }): Promise<{ accessStatus: number; refreshStatus: number }> {
  const accessStatus = (await getMe(client, session.accessToken)).status;
  const refreshed = await refreshWithCookie(client, session.refreshToken);
  const successor = refreshCookieFrom(refreshed);
  if (refreshed.status === 200 && successor) session.refreshToken = successor;
  return { accessStatus, refreshStatus: refreshed.status };
}
