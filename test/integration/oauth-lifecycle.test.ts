// What becomes of the authorization server's rows: the cron sweeps expired codes; account deletion removes grants and codes.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Bindings } from '../../src/http/app-env';
import { CODE_TTL_SECONDS } from '../../src/oauth-server/code-rows';
import { runScheduledCleanup } from '../../src/scheduled';
import { databaseForKey } from '../../src/storage/database';
import { DEFAULT_PASSWORD, createTestClient, signUpVerified } from '../helpers/client';
import { adminAccessToken, authorizationUrl, registerTestClient, signedInBrowser } from '../helpers/oauth-server';

async function userWithCode() {
  const client = createTestClient();
  const registered = await registerTestClient(client, await adminAccessToken(client), { redirect_uris: ['https://app.example.com/cb'], first_party: true });
  const user = await signUpVerified(client);
  const cookie = await signedInBrowser(client, user.userId, user.sessionId);
  const response = await client.fetch((await authorizationUrl(registered)).url.toString(), { headers: { Cookie: cookie } });
  expect(new URL(response.headers.get('Location')!).searchParams.has('code')).toBe(true);
  const count = async (table: string) =>
    (await databaseForKey(env, user.userId).prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?1`).bind(user.userId).first<{ n: number }>())?.n;
  return { client, user, count };
}

describe('the authorization server and the account lifecycle', () => {
  it('sweeps a code once it has expired, and not before', async () => {
    const { client, count } = await userWithCode();
    const issuedAt = client.clock.now() / 1000;
    await runScheduledCleanup(env as unknown as Bindings, Math.floor(issuedAt) + CODE_TTL_SECONDS - 5);
    expect(await count('oauth_codes')).toBe(1);
    const report = await runScheduledCleanup(env as unknown as Bindings, Math.ceil(issuedAt) + CODE_TTL_SECONDS + 1);
    expect(report.oauthCodes).toBeGreaterThanOrEqual(1);
    expect(await count('oauth_codes')).toBe(0);
    expect(await count('oauth_grants')).toBe(1);
  });

  it("removes the user's grants and codes with the account", async () => {
    const { client, user, count } = await userWithCode();
    expect([await count('oauth_grants'), await count('oauth_codes')]).toEqual([1, 1]);
    const deleted = await client.postJson('/auth/account/delete', { password: DEFAULT_PASSWORD }, { Authorization: `Bearer ${user.accessToken}` });
    expect(deleted.status).toBe(204);
    expect([await count('oauth_grants'), await count('oauth_codes')]).toEqual([0, 0]);
  });
});
