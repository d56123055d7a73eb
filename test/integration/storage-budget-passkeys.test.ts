// The login storage budget of DESIGN.md holds for a passkey sign-in too, and the proof before adding one costs two round trips at most (read with claim, settle); counted on the real D1 and KV bindings.
import { describe, expect, it } from 'vitest';
import { createTestClient, DEFAULT_PASSWORD, sendWithBearer, signUpVerified } from '../helpers/client';
import { addPasskey, loginOptions, postPasskeyLogin, SERVICE_ORIGIN } from '../helpers/passkeys';
import { shardOf } from '../../src/core/ids';
import { shardOfChallenge } from '../../src/passkeys/webauthn/options';

describe('storage budget of a passkey sign-in', () => {
  it('makes at most 2 D1 round trips, writes at most 6 rows and no KV', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const options = await loginOptions(client);
    const credential = await authenticator.assert(options, SERVICE_ORIGIN);
    client.storage.resetCounts();
    expect((await postPasskeyLogin(client, { credential })).status).toBe(200);
    // With several shards the challenge may live on another shard than the user: the two reads of the
    // first step then go out in parallel (one wait), and count as two calls.
    const parallelRead = shardOfChallenge(options.challenge) === shardOf(user.userId) ? 0 : 1;
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2 + parallelRead);
    expect(client.storage.rows.written).toBeLessThanOrEqual(6);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('a refused passkey sign-in makes at most 2 D1 round trips and writes no session', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    const options = await loginOptions(client);
    const credential = await authenticator.assert(options, SERVICE_ORIGIN, { corruptSignature: true });
    client.storage.resetCounts();
    expect((await postPasskeyLogin(client, { credential })).status).toBe(401);
    const parallelRead = shardOfChallenge(options.challenge) === shardOf(user.userId) ? 0 : 1;
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(2 + parallelRead);
    expect(client.storage.rows.writes.filter((write) => /\bsessions\b/.test(write.sql))).toEqual([]);
  });
});

describe('storage budget of the proof of a protected action', () => {
  it('reads the user and claims the check in one round trip, settles in one more, then issues the challenge: 3 in all', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    client.storage.resetCounts();
    expect((await sendWithBearer(client, 'POST', '/auth/passkeys/registration-options', user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(200);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(3);
    expect(client.storage.counts.kvWrites).toBe(0);
  });

  it('refuses a request without a proof after one read and writes nothing', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    client.storage.resetCounts();
    expect((await sendWithBearer(client, 'POST', '/auth/passkeys/registration-options', user.accessToken)).status).toBe(403);
    expect(client.storage.counts.d1RoundTrips).toBe(1);
    expect(client.storage.rows.written).toBe(0);
  });

  it('adds no round trip to an account deletion, which reads the user anyway: proof read with claim, settle, delete (3)', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    client.storage.resetCounts();
    expect((await sendWithBearer(client, 'POST', '/auth/account/delete', user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(204);
    expect(client.storage.counts.d1RoundTrips).toBeLessThanOrEqual(3);
  });
});
