// The attack catalogue against bearer verification: every forged token gets the same 401, and no key is ever fetched.
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, getMe, signUpAndLogIn, type SignedInUser, type TestClient } from '../helpers/client';
import { FORGED_TOKEN_CASES, forgedTokenCasesFor, GENUINE_TOKEN_CASES, genuineTokenCasesFor, type ForgeContext, type ForgeSigningJwk } from '../helpers/forge';

const signingKeys = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: ForgeSigningJwk[] }).keys;

// The app runs in this isolate: any outbound fetch (a jku/x5u lookup) would pass through here.
const outboundRequests: string[] = [];
const realFetch = globalThis.fetch;

let client: TestClient;
let user: SignedInUser;
let context: ForgeContext;

// Forged tokens never change state, so one signed-in user serves the whole read-only catalogue.
beforeAll(async () => {
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    outboundRequests.push(input instanceof Request ? input.url : String(input));
    return realFetch(input, init);
  };
  client = createTestClient();
  user = await signUpAndLogIn(client);
  context = { validToken: user.accessToken, signingKeys, nowSeconds: Math.floor(client.clock.now() / 1000) };
});

afterAll(() => {
  globalThis.fetch = realFetch;
});

async function expectRefused(token: string): Promise<void> {
  const response = await client.fetch('/auth/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(401);
  expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
  expect(await response.json()).toEqual({ error: 'invalid_token', message: 'The access token is invalid, expired or revoked.' });
}

describe('the forging harness (positive controls)', () => {
  it.each(genuineTokenCasesFor(signingKeys).map((genuine) => [genuine.name, genuine] as const))('accepts %s', async (_name, genuine) => {
    expect((await getMe(client, await genuine.build(context))).status).toBe(200);
  });
});

const groups = [...new Set(FORGED_TOKEN_CASES.map((forged) => forged.group))];

it('runs every case of both catalogues: the test keys cover EdDSA, ES256 and RS256', () => {
  expect(forgedTokenCasesFor(signingKeys)).toHaveLength(FORGED_TOKEN_CASES.length);
  expect(genuineTokenCasesFor(signingKeys)).toHaveLength(GENUINE_TOKEN_CASES.length);
});

describe.each(groups)('forged tokens: %s', (group) => {
  it.each(FORGED_TOKEN_CASES.filter((forged) => forged.group === group).map((forged) => [forged.name, forged] as const))(
    'refuses %s with 401 invalid_token',
    async (_name, forged) => {
      await expectRefused(await forged.build(context));
    },
  );
});

describe('no key is ever fetched from a token header', () => {
  it('made no outbound request while verifying jku, x5u, x5c and jwk tokens', async () => {
    for (const forged of FORGED_TOKEN_CASES.filter((candidate) => candidate.group === 'key-source')) {
      await expectRefused(await forged.build(context));
    }
    expect(outboundRequests).toEqual([]);
  });
});
