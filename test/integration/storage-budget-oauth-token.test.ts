// What redeeming an authorization code costs in D1 and KV, counted on the real bindings.
import { describe, expect, it } from 'vitest';
import { codeForm, obtainCode, postToken, setUpTokenTest } from '../helpers/oauth-token';

describe('storage budget of the token endpoint', () => {
  it('redeems a code with 2 D1 round trips (the client; the code consumed with the user read in one batch), at most 4 rows written (2: the code row re-keyed) and no KV', async () => {
    const setUp = await setUpTokenTest();
    const { code, codeVerifier } = await obtainCode(setUp);
    setUp.client.storage.resetCounts();
    expect((await postToken(setUp.client, codeForm(setUp, code, codeVerifier))).status).toBe(200);
    expect(setUp.client.storage.counts.d1RoundTrips).toBe(2);
    expect(setUp.client.storage.rows.written).toBeLessThanOrEqual(4);
    expect(setUp.client.storage.rows.read).toBeLessThanOrEqual(6);
    expect(setUp.client.storage.counts.kvReads + setUp.client.storage.counts.kvWrites).toBe(0);
  });
});
