// Walks the key-rotation runbook (docs/keys.md) step by step against the worker and a downstream verifier.
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_SECONDS } from '../../src/tokens/access';
import { JWKS_MAX_AGE_SECONDS } from '../../src/tokens/jwks-document';
import { createVerifier, type Verifier } from '../../src/verify';
import { BASE_URL, createTestClient, createTestClock, getMe, logIn, signUpAndLogIn, type TestClient, type TestClock } from '../helpers/client';
import { decodeToken, generateSigningJwk, signWithJwk, type ForgeSigningJwk } from '../helpers/forge';

const ACCESS_TOKEN_TTL_SECONDS = 900;
const LONGEST_TOKEN_LIFETIME_SECONDS = ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS;

/** The deployed service: whichever key set is current, with one shared clock. */
function createDeployment(clock: TestClock) {
  let current: TestClient | null = null;
  const jwksFetches: string[] = [];
  return {
    deploy(keys: ForgeSigningJwk[]): TestClient {
      current = createTestClient({ clock, vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys }), ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) } });
      return current;
    },
    get service(): TestClient {
      if (!current) throw new Error('nothing deployed');
      return current;
    },
    jwksFetches,
    /** A verifier in another service, fetching the JWKS of whatever is deployed. */
    createDownstreamVerifier(): Verifier {
      return createVerifier({
        jwksUrl: `${BASE_URL}/.well-known/jwks.json`,
        issuer: BASE_URL,
        audience: 'edge-auth',
        now: clock.now,
        fetch: (input, init) => {
          jwksFetches.push(String(input));
          return this.service.fetch(String(input), init);
        },
      });
    },
  };
}

function kidOf(token: string): unknown {
  return decodeToken(token).header.kid;
}

async function expectAcceptedEverywhere(deployment: ReturnType<typeof createDeployment>, verifier: Verifier, token: string): Promise<void> {
  expect((await getMe(deployment.service, token)).status).toBe(200);
  await expect(verifier.verify(token)).resolves.toMatchObject({ sub: decodeToken(token).payload.sub });
}

async function expectRefusedEverywhere(deployment: ReturnType<typeof createDeployment>, verifier: Verifier, token: string): Promise<void> {
  expect((await getMe(deployment.service, token)).status).toBe(401);
  await expect(verifier.verify(token)).rejects.toMatchObject({ name: 'TokenRejectedError' });
}

describe('key rotation runbook', () => {
  it('never wrongly refuses or accepts a token before, during or after each step', async () => {
    const clock = createTestClock();
    const deployment = createDeployment(clock);
    const [oldKey, newKey] = [await generateSigningJwk('EdDSA'), await generateSigningJwk('ES256')];

    // Before: the old key alone signs and is published.
    const user = await signUpAndLogIn(deployment.deploy([oldKey]));
    const verifier = deployment.createDownstreamVerifier();
    const beforeToken = user.accessToken;
    expect(kidOf(beforeToken)).toBe(oldKey.kid);
    await expectAcceptedEverywhere(deployment, verifier, beforeToken);

    // Step 1, publish: the new key goes at the back; the old key still signs.
    deployment.deploy([oldKey, newKey]);
    const publishedToken = (await logIn(deployment.service, user.email, user.password)).accessToken;
    expect(kidOf(publishedToken)).toBe(oldKey.kid);
    await expectAcceptedEverywhere(deployment, verifier, beforeToken);
    await expectAcceptedEverywhere(deployment, verifier, publishedToken);

    // Wait one JWKS cache lifetime: every verifier's cache now holds the new key.
    clock.advanceSeconds(JWKS_MAX_AGE_SECONDS + 1);
    await expectAcceptedEverywhere(deployment, verifier, publishedToken);

    // Step 2, promote: the new key moves to the front and signs; the old one still verifies.
    deployment.deploy([newKey, oldKey]);
    const fetchesBeforePromotion = deployment.jwksFetches.length;
    const promotedToken = (await logIn(deployment.service, user.email, user.password)).accessToken;
    expect(kidOf(promotedToken)).toBe(newKey.kid);
    await expectAcceptedEverywhere(deployment, verifier, promotedToken);
    await expectAcceptedEverywhere(deployment, verifier, publishedToken);
    await expectAcceptedEverywhere(deployment, verifier, beforeToken);
    expect(deployment.jwksFetches.length).toBe(fetchesBeforePromotion);

    // Wait the longest access-token lifetime: no live token is signed by the old key.
    clock.advanceSeconds(LONGEST_TOKEN_LIFETIME_SECONDS + 1);
    const lateToken = (await logIn(deployment.service, user.email, user.password)).accessToken;
    await expectAcceptedEverywhere(deployment, verifier, lateToken);

    // Step 3, retire: the old key leaves the set.
    deployment.deploy([newKey]);
    await expectAcceptedEverywhere(deployment, verifier, lateToken);
    for (const token of [beforeToken, publishedToken, promotedToken]) await expectRefusedEverywhere(deployment, verifier, token);

    // Once caches turn over, even a fresh token signed by the retired key is refused.
    clock.advanceSeconds(JWKS_MAX_AGE_SECONDS + 1);
    const nowSeconds = Math.floor(clock.now() / 1000);
    const claims = decodeToken(lateToken).payload;
    const retiredKeyToken = await signWithJwk({ alg: oldKey.alg, kid: oldKey.kid, typ: 'at+jwt' }, { ...claims, iat: nowSeconds, exp: nowSeconds + 600 }, oldKey);
    await expectRefusedEverywhere(deployment, verifier, retiredKeyToken);
    await expectAcceptedEverywhere(deployment, verifier, (await logIn(deployment.service, user.email, user.password)).accessToken);
  });

  it('shows why the wait matters: a key promoted without publishing first is refused by a verifier that just fetched', async () => {
    const clock = createTestClock();
    const deployment = createDeployment(clock);
    const [oldKey, newKey] = [await generateSigningJwk('EdDSA'), await generateSigningJwk('RS256')];
    const user = await signUpAndLogIn(deployment.deploy([oldKey]));
    const verifier = deployment.createDownstreamVerifier();
    await verifier.verify(user.accessToken);

    // This verifier fetched the JWKS less than 30 s ago, so an unknown kid cannot make it refetch yet.
    deployment.deploy([newKey, oldKey]);
    const skippedToken = (await logIn(deployment.service, user.email, user.password)).accessToken;
    await expect(verifier.verify(skippedToken)).rejects.toMatchObject({ code: 'ERR_TOKEN_KEY_UNKNOWN' });
  });
});
