// Rows an account deletion must not leave behind, read straight from D1 (the HTTP answers are in account-deletion.test.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { databaseForKey } from '../../src/storage/database';
import { DEFAULT_PASSWORD, createTestClient, signUpVerified } from '../helpers/client';
import { addPasskey, registrationOptions, signInWithPasskey } from '../helpers/passkeys';

describe('account deletion', () => {
  it('leaves no passkey, pending registration challenge or security event of the account, and its passkey no longer signs in', async () => {
    const client = createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
    const user = await signUpVerified(client);
    const authenticator = await addPasskey(client, user.accessToken);
    await registrationOptions(client, user.accessToken);
    const count = async (table: string) =>
      (await databaseForKey(env, user.userId).prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?1`).bind(user.userId).first<{ n: number }>())?.n;
    expect([await count('passkeys'), await count('webauthn_challenges')]).toEqual([1, 1]);
    expect(await count('auth_events')).toBeGreaterThan(0);

    const deleted = await client.postJson('/auth/account/delete', { password: DEFAULT_PASSWORD }, { Authorization: `Bearer ${user.accessToken}` });
    expect(deleted.status).toBe(204);
    expect([await count('passkeys'), await count('webauthn_challenges'), await count('auth_events')]).toEqual([0, 0, 0]);
    expect((await signInWithPasskey(client, authenticator)).status).toBe(401);
  });
});
