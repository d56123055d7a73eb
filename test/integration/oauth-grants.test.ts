// GET /auth/grants and DELETE /auth/grants/:id: the apps a user let in, and revoking one (its codes go, its KV flag is raised).
import { describe, expect, it } from 'vitest';
import { readRevocationFlag } from '../../src/sessions/revocations';
import { databaseForKey } from '../../src/storage/database';
import { createTestClient, sendWithBearer, signUpVerified } from '../helpers/client';
import { adminAccessToken, authorizationUrl, registerTestClient, signedInBrowser } from '../helpers/oauth-server';

interface Grants {
  grants: { id: string; client_id: string; client_name: string | null; scopes: string[]; created_at: string; last_used_at: string }[];
}

async function userWithGrant() {
  const client = createTestClient();
  const registered = await registerTestClient(client, await adminAccessToken(client), { client_name: 'Notes', redirect_uris: ['https://app.example.com/cb'], first_party: true });
  const user = await signUpVerified(client);
  const cookie = await signedInBrowser(client, user.userId, user.sessionId);
  const response = await client.fetch((await authorizationUrl(registered, { scope: 'openid email' })).url.toString(), { headers: { Cookie: cookie } });
  expect(new URL(response.headers.get('Location')!).searchParams.has('code')).toBe(true);
  return { client, registered, user };
}

describe('GET /auth/grants', () => {
  it('lists the clients the user let in, with their names and scopes', async () => {
    const { client, registered, user } = await userWithGrant();
    const response = await sendWithBearer(client, 'GET', '/auth/grants', user.accessToken);
    expect(response.status).toBe(200);
    const { grants } = (await response.json()) as Grants;
    expect(grants).toEqual([expect.objectContaining({ client_id: registered.client_id, client_name: 'Notes', scopes: ['openid', 'email'] })]);
    expect((await client.fetch('/auth/grants')).status).toBe(401);
  });
});

describe('DELETE /auth/grants/:id', () => {
  it('revokes the grant: it leaves the list, its codes are deleted and its KV flag is raised for the tokens issued under it', async () => {
    const { client, user } = await userWithGrant();
    const [grant] = ((await (await sendWithBearer(client, 'GET', '/auth/grants', user.accessToken)).json()) as Grants).grants;
    expect(await readRevocationFlag(client.env.KV, grant!.id)).toBe(false);
    expect((await sendWithBearer(client, 'DELETE', `/auth/grants/${grant!.id}`, user.accessToken)).status).toBe(204);
    expect(((await (await sendWithBearer(client, 'GET', '/auth/grants', user.accessToken)).json()) as Grants).grants).toEqual([]);
    expect(await readRevocationFlag(client.env.KV, grant!.id)).toBe(true);
    const codes = await databaseForKey(client.env, user.userId).prepare('SELECT COUNT(*) AS n FROM oauth_codes WHERE grant_id = ?1').bind(grant!.id).first<{ n: number }>();
    expect(codes?.n).toBe(0);
    expect((await sendWithBearer(client, 'DELETE', `/auth/grants/${grant!.id}`, user.accessToken)).status).toBe(404);
  });

  it("answers 404 for another user's grant and leaves it alone", async () => {
    const { client, user } = await userWithGrant();
    const [grant] = ((await (await sendWithBearer(client, 'GET', '/auth/grants', user.accessToken)).json()) as Grants).grants;
    const stranger = await signUpVerified(client);
    expect((await sendWithBearer(client, 'DELETE', `/auth/grants/${grant!.id}`, stranger.accessToken)).status).toBe(404);
    expect(((await (await sendWithBearer(client, 'GET', '/auth/grants', user.accessToken)).json()) as Grants).grants).toHaveLength(1);
    expect(await readRevocationFlag(client.env.KV, grant!.id)).toBe(false);
  });
});
