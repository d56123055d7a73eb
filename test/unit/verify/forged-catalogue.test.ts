// The verifier (edge-auth/verify) refuses the whole forged-token catalogue the worker is tested against, from the same genuine token and keys.
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, TokenRejectedError, type Verifier } from '../../../src/verify';
import { BASE_URL, createTestClient, signUpAndLogIn, type TestClient } from '../../helpers/client';
import { FORGED_TOKEN_CASES, forgedTokenCasesFor, GENUINE_TOKEN_CASES, genuineTokenCasesFor, type ForgeContext, type ForgeSigningJwk } from '../../helpers/forge';

const signingKeys = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: ForgeSigningJwk[] }).keys;
const JWKS_PATH = '/.well-known/jwks.json';
const JWKS_URL = new URL(JWKS_PATH, BASE_URL).href;
/** Shorter strings (such as "..") may occur in a reason by chance; longer ones only if the token was echoed. */
const ECHO_CHECK_MIN_LENGTH = 16;

type KeySource = 'jwks' | 'jwksUrl';

let client: TestClient;
let context: ForgeContext;
let publishedJwks: { keys: unknown[] };
/** Every URL a verifier or anything else in this isolate asked for. */
const requestedUrls: string[] = [];
const realFetch = globalThis.fetch;

function urlOf(input: RequestInfo | URL): string {
  return input instanceof Request ? input.url : String(input);
}

/** Serves the worker's JWKS to a verifier and refuses everything else. */
const serveJwksOnly: typeof fetch = async (input, init) => {
  requestedUrls.push(urlOf(input));
  if (urlOf(input) !== JWKS_URL) throw new Error('this test allows no fetch but the JWKS');
  return client.fetch(JWKS_PATH, init);
};

/** A verifier configured like a downstream service of the worker under test, revocation included. */
function createDownstreamVerifier(source: KeySource): Verifier {
  const common = { issuer: BASE_URL, audience: 'edge-auth', revocations: env.KV, now: client.clock.now, fetch: serveJwksOnly };
  return source === 'jwks' ? createVerifier({ ...common, jwks: publishedJwks }) : createVerifier({ ...common, jwksUrl: JWKS_URL });
}

async function expectRefused(verifier: Verifier, token: string): Promise<void> {
  const failure = await verifier.verify(token).then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure, 'the verifier accepted it').not.toBeNull();
  expect(failure).toBeInstanceOf(TokenRejectedError);
  if (token.length >= ECHO_CHECK_MIN_LENGTH) expect((failure as Error).message).not.toContain(token);
}

// The same starting point as test/security/forged-tokens.test.ts: a token the worker issued, and its published keys.
beforeAll(async () => {
  client = createTestClient();
  const user = await signUpAndLogIn(client);
  context = { validToken: user.accessToken, signingKeys, nowSeconds: Math.floor(client.clock.now() / 1000) };
  publishedJwks = (await (await client.fetch(JWKS_PATH)).json()) as { keys: unknown[] };
  globalThis.fetch = (input: RequestInfo | URL) => {
    requestedUrls.push(urlOf(input));
    return Promise.reject(new Error('this test allows no global fetch'));
  };
});

afterAll(() => {
  globalThis.fetch = realFetch;
});

it('runs every case of both catalogues: the test keys cover EdDSA, ES256 and RS256', () => {
  expect(forgedTokenCasesFor(signingKeys)).toHaveLength(FORGED_TOKEN_CASES.length);
  expect(genuineTokenCasesFor(signingKeys)).toHaveLength(GENUINE_TOKEN_CASES.length);
});

const groups = [...new Set(FORGED_TOKEN_CASES.map((forged) => forged.group))];

describe.each<KeySource>(['jwks', 'jwksUrl'])('createVerifier with %s', (source) => {
  let verifier: Verifier;
  beforeAll(() => {
    verifier = createDownstreamVerifier(source);
  });

  describe('genuine tokens (positive controls)', () => {
    it.each(GENUINE_TOKEN_CASES.map((genuine) => [genuine.name, genuine] as const))('accepts %s', async (_name, genuine) => {
      const token = await genuine.build(context);
      await expect(verifier.verify(token)).resolves.toMatchObject({ sub: expect.any(String), sid: expect.any(String) });
    });
  });

  describe.each(groups)('forged tokens: %s', (group) => {
    it.each(FORGED_TOKEN_CASES.filter((forged) => forged.group === group).map((forged) => [forged.name, forged] as const))(
      'refuses %s with TokenRejectedError',
      async (_name, forged) => {
        await expectRefused(verifier, await forged.build(context));
      },
    );
  });

  it('fetches nothing while refusing the whole catalogue: no key from a header, no refetch for unknown kids within 30 s of a fetch', async () => {
    const fresh = createDownstreamVerifier(source);
    await fresh.verify(context.validToken);
    expect(requestedUrls.filter((url) => url !== JWKS_URL)).toEqual([]);
    const before = requestedUrls.length;
    for (const forged of FORGED_TOKEN_CASES) await expectRefused(fresh, await forged.build(context));
    expect(requestedUrls.slice(before)).toEqual([]);
  });
});
