// The login storage budget of DESIGN.md holds for a passkey sign-in too, counted on the real D1 and KV bindings.
import { describe, expect, it } from 'vitest';
import { createTestClient, signUpAndLogIn } from '../helpers/client';
import { addPasskey, loginOptions, postPasskeyLogin, SERVICE_ORIGIN } from '../helpers/passkeys';

describe('storage budget of a passkey sign-in', () => {
  it('makes at most 2 D1 round trips, writes at most 6 rows and no KV', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const credential = await authenticator.assert(await loginOptions(client), SERVICE_ORIGIN);
    client.storage.resetCounts();
    expect((await postPasskeyLogin(client, { credential })).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2);
    expect(client.storage.rows.written).toBeLessThanOrEqual(6);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('a refused passkey sign-in makes at most 2 D1 round trips and writes no session', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const credential = await authenticator.assert(await loginOptions(client), SERVICE_ORIGIN, { corruptSignature: true });
    client.storage.resetCounts();
    expect((await postPasskeyLogin(client, { credential })).status).toBe(401);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2);
    expect(client.storage.rows.writes.filter((write) => /\bsessions\b/.test(write.sql))).toEqual([]);
  });
});
