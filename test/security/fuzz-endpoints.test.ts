// Property fuzzing of every registered route: never a 5xx, every error a known JSON code, and the database invariants hold.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATUS_BY_CODE, type ErrorCode } from '../../src/core/errors';
import { listRouteSpecs } from '../../src/http/route-registry';
import { BASE_URL, createTestClient, signUpAndLogIn, type TestClient } from '../helpers/client';
import { requestsAnywhere, requestsForRoute, type FuzzCredentials, type FuzzRequest } from '../helpers/fuzz-arbitraries';
import { findInvariantViolations } from '../helpers/invariants';

// Modest: register/login spend ~50 ms of PBKDF2 each, and the suite must stay fast.
const RUNS_PER_ROUTE = 50;
const RUNS_ANYWHERE = 100;

let client: TestClient;
const statusesSeen = new Map<number, number>();
let credentials: FuzzCredentials;

beforeAll(async () => {
  client = createTestClient();
  const user = await signUpAndLogIn(client, { delivery: 'body' });
  credentials = { accessToken: user.accessToken, refreshToken: user.refreshToken, email: user.email, password: user.password };
});

async function send(request: FuzzRequest): Promise<Response> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    try {
      headers.set(name, value);
    } catch {
      // A value no HTTP client could send; leave the header out.
    }
  }
  const withBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  if (!withBody) headers.delete('Content-Length');
  // Joined as text: a path like "//x" must stay a path, not become a host.
  return client.fetch(`${BASE_URL}${request.path}`, { method: request.method, headers, body: withBody ? request.body : undefined });
}

const RFC6749_TOKEN_ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target'];

/** The contract for any answer: no 5xx; an error is exactly {"error","message"} with a known code matching the status. */
async function checkResponse(request: FuzzRequest, response: Response): Promise<void> {
  const label = `${request.method} ${request.path}`;
  statusesSeen.set(response.status, (statusesSeen.get(response.status) ?? 0) + 1);
  expect(response.status, label).toBeLessThan(500);
  if (response.status < 400) return;
  // The sign-in page answers a browser's form with a page, never JSON: only under /sign-in, and always under its strict policy.
  if (response.headers.get('Content-Type')?.startsWith('text/html')) {
    expect(new URL(request.path, BASE_URL).pathname, label).toMatch(/^\/sign-in(\/|$)/);
    expect(response.headers.get('Content-Security-Policy'), label).toMatch(/^default-src 'none';.*frame-ancestors 'none'$/);
    return;
  }
  expect(response.headers.get('Content-Type'), label).toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  // The token endpoint answers its own refusals as RFC 6749 says: {"error","error_description"}, 400 or 401 for invalid_client.
  if (request.path.split('?')[0] === '/oauth2/token' && 'error_description' in body) {
    expect(Object.keys(body).sort(), label).toEqual(['error', 'error_description']);
    expect(RFC6749_TOKEN_ERRORS, label).toContain(body.error);
    expect(response.status, label).toBe(body.error === 'invalid_client' ? 401 : 400);
    return;
  }
  expect(Object.keys(body).sort(), label).toEqual(['error', 'message']);
  expect(Object.keys(STATUS_BY_CODE), label).toContain(body.error);
  expect(STATUS_BY_CODE[body.error as ErrorCode], label).toBe(response.status);
  expect(typeof body.message, label).toBe('string');
}

describe('fuzzing every route', () => {
  it('covers every registered route', () => {
    expect(listRouteSpecs().length).toBeGreaterThanOrEqual(5);
  });

  it('never answers 5xx and always answers errors as known JSON codes, route by route', async () => {
    for (const spec of listRouteSpecs()) {
      await fc.assert(
        fc.asyncProperty(requestsForRoute(spec, credentials), async (request) => {
          await checkResponse(request, await send(request));
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    console.log(`fuzz statuses by count: ${JSON.stringify(Object.fromEntries([...statusesSeen].sort(([a], [b]) => a - b)))}`);
    // The fuzzer must get past validation sometimes, or it tests nothing but the first check.
    expect([...statusesSeen.keys()].filter((status) => status < 300).length).toBeGreaterThan(0);
    expect(await findInvariantViolations()).toEqual([]);
  });

  it('never answers 5xx for arbitrary paths and methods', async () => {
    await fc.assert(
      fc.asyncProperty(requestsAnywhere(credentials), async (request) => {
        await checkResponse(request, await send(request));
      }),
      { numRuns: RUNS_ANYWHERE },
    );
    expect(await findInvariantViolations()).toEqual([]);
  });
});
