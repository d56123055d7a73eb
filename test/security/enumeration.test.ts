// Account enumeration through login: an unknown email and a wrong password must be indistinguishable on the wire.
import { describe, expect, it } from 'vitest';
import { createTestClient, signUpAndLogIn, uniqueEmail } from '../helpers/client';

/** Everything a client can observe about a response except its timing. */
async function observable(response: Response): Promise<{ status: number; body: string; headers: [string, string][] }> {
  const headers = [...response.headers].filter(([name]) => name !== 'date').sort(([a], [b]) => a.localeCompare(b));
  return { status: response.status, body: await response.text(), headers };
}

describe('POST /auth/login does not reveal whether an account exists', () => {
  it('answers an unknown email exactly like a wrong password: status, body, headers and cookies', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const wrongPassword = await observable(await client.postJson('/auth/login', { email: user.email, password: 'not the right passphrase' }));
    const unknownEmail = await observable(await client.postJson('/auth/login', { email: uniqueEmail('nobody'), password: 'not the right passphrase' }));
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail).toEqual(wrongPassword);
    expect(wrongPassword.headers.find(([name]) => name === 'set-cookie')).toBeUndefined();
  });

  it('answers the same for both with body delivery asked for', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const wrongPassword = await observable(await client.postJson('/auth/login', { email: user.email, password: 'still not it, sorry', token_delivery: 'body' }));
    const unknownEmail = await observable(await client.postJson('/auth/login', { email: uniqueEmail('nobody'), password: 'still not it, sorry', token_delivery: 'body' }));
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('answers a malformed email and an over-long password like a wrong password once past the schema', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const wrongPassword = await observable(await client.postJson('/auth/login', { email: user.email, password: 'wrong wrong wrong' }));
    const malformed = await observable(await client.postJson('/auth/login', { email: 'no-at-sign.example.test', password: 'wrong wrong wrong' }));
    const overLong = await observable(await client.postJson('/auth/login', { email: user.email, password: 'z'.repeat(200) }));
    expect(malformed).toEqual(wrongPassword);
    expect(overLong).toEqual(wrongPassword);
  });

  it('spends the same D1 work on an unknown email as on a wrong password (one lookup, no write)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.storage.resetCounts();
    await client.postJson('/auth/login', { email: user.email, password: 'not the right passphrase' });
    const wrongPasswordCounts = { ...client.storage.counts };
    client.storage.resetCounts();
    await client.postJson('/auth/login', { email: uniqueEmail('nobody'), password: 'not the right passphrase' });
    expect({ ...client.storage.counts }).toEqual(wrongPasswordCounts);
  });
});
