// GET and DELETE /auth/identities, and the rule that nobody removes their last way to sign in (identities, passkeys, password).
import { decodeToken } from '../helpers/forge';
import { describe, expect, it } from 'vitest';
import { databaseForKey } from '../../src/storage/database';
import { createTestClock, getMe, sendWithBearer, signUpVerified, type TestClient } from '../helpers/client';
import { createOAuthTestClient, providerLogin, providerSession, signInWithProvider } from '../helpers/oidc-flow';
import { PROVIDER_REAUTHENTICATION_SECONDS } from '../../src/core/account-policy';
import { addPasskey, passkeyProof } from '../helpers/passkeys';

interface IdentityListing {
  identities: { id: string; provider: string; email: string | null; created_at: string }[];
}

async function listIdentities(client: TestClient, accessToken: string): Promise<IdentityListing['identities']> {
  const response = await sendWithBearer(client, 'GET', '/auth/identities', accessToken);
  expect(response.status).toBe(200);
  return ((await response.json()) as IdentityListing).identities;
}

async function errorOfResponse(response: Response): Promise<string> {
  return ((await response.json()) as { error: string }).error;
}

describe('GET /auth/identities', () => {
  it('lists the identities linked to the signed-in user', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    const { accessToken } = await providerSession(client, 'local', login);
    await providerSession(client, 'other', login);
    const identities = await listIdentities(client, accessToken);
    expect(identities.map(({ provider, email }) => ({ provider, email })).sort((a, b) => a.provider.localeCompare(b.provider))).toEqual([
      { provider: 'local', email: login },
      { provider: 'other', email: login },
    ]);
    // An identity's id carries its user's shard, like every per-user row.
    const userShard = String(decodeToken(accessToken).payload.sub).slice(0, 3);
    for (const identity of identities) {
      expect(identity.id.slice(0, 3)).toBe(userShard);
      expect(Date.parse(identity.created_at)).not.toBeNaN();
    }
  });

  it('is empty for a password account and needs a bearer token', async () => {
    const client = createOAuthTestClient();
    const user = await signUpVerified(client);
    expect(await listIdentities(client, user.accessToken)).toEqual([]);
    expect((await client.fetch('/auth/identities')).status).toBe(401);
  });
});

describe('DELETE /auth/identities/:id', () => {
  it('unlinks one of two identities; the other still signs in', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    const { accessToken } = await providerSession(client, 'local', login);
    await providerSession(client, 'other', login);
    const local = (await listIdentities(client, accessToken)).find((identity) => identity.provider === 'local');
    expect((await sendWithBearer(client, 'DELETE', `/auth/identities/${local?.id}`, accessToken)).status).toBe(204);
    expect((await listIdentities(client, accessToken)).map((identity) => identity.provider)).toEqual(['other']);
    // Signing in with "local" again links it anew: the address is verified on both sides.
    const again = await providerSession(client, 'local', login);
    const me = (await (await getMe(client, again.accessToken)).json()) as { user: { id: string } };
    const meBefore = (await (await getMe(client, accessToken)).json()) as { user: { id: string } };
    expect(me.user.id).toBe(meBefore.user.id);
  });

  it('refuses to remove the last way to sign in (409 last_sign_in_method)', async () => {
    const client = createOAuthTestClient();
    const { accessToken } = await providerSession(client, 'local', providerLogin());
    const [only] = await listIdentities(client, accessToken);
    const response = await sendWithBearer(client, 'DELETE', `/auth/identities/${only?.id}`, accessToken);
    expect(response.status).toBe(409);
    expect(await errorOfResponse(response)).toBe('last_sign_in_method');
    expect(await listIdentities(client, accessToken)).toHaveLength(1);
  });

  it('counts passkeys and identities together: a provider account with a passkey may drop either, never both', async () => {
    const client = createOAuthTestClient();
    const { accessToken } = await providerSession(client, 'local', providerLogin());
    // No password: the provider sign-in of the last 5 minutes stands for the proof.
    const passkey = await addPasskey(client, accessToken, {}, {});
    const [identity] = await listIdentities(client, accessToken);
    expect((await sendWithBearer(client, 'DELETE', `/auth/passkeys/${passkey.id}`, accessToken)).status).toBe(204);
    expect(await errorOfResponse(await sendWithBearer(client, 'DELETE', `/auth/identities/${identity?.id}`, accessToken))).toBe('last_sign_in_method');
    // And the other way round.
    const second = await addPasskey(client, accessToken, {}, {});
    expect((await sendWithBearer(client, 'DELETE', `/auth/identities/${identity?.id}`, accessToken)).status).toBe(204);
    expect(await errorOfResponse(await sendWithBearer(client, 'DELETE', `/auth/passkeys/${second.id}`, accessToken, await passkeyProof(client, second)))).toBe('last_sign_in_method');
  });

  it('lets a password account unlink its identity', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    const user = await signUpVerified(client, { email: login });
    await signInWithProvider(client, 'local', { login });
    const [identity] = await listIdentities(client, user.accessToken);
    expect(identity?.provider).toBe('local');
    expect(await errorOfResponse(await sendWithBearer(client, 'DELETE', `/auth/identities/${identity?.id}`, user.accessToken))).toBe('reauthentication_required');
    expect((await sendWithBearer(client, 'DELETE', `/auth/identities/${identity?.id}`, user.accessToken, { password: user.password })).status).toBe(204);
  });

  it('answers 404 for an identity that is not the caller\'s', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    const owner = await providerSession(client, 'local', login);
    await providerSession(client, 'other', login);
    const [identity] = await listIdentities(client, owner.accessToken);
    const stranger = await signUpVerified(client);
    expect((await sendWithBearer(client, 'DELETE', `/auth/identities/${identity?.id}`, stranger.accessToken, { password: stranger.password })).status).toBe(404);
    expect((await sendWithBearer(client, 'DELETE', '/auth/identities/00.nope', owner.accessToken)).status).toBe(404);
    expect(await listIdentities(client, owner.accessToken)).toHaveLength(2);
  });

  it('takes a provider sign-in of the last 5 minutes as the proof of an account without a password, and no older one (403 reauthentication_required)', async () => {
    const clock = createTestClock();
    const client = createOAuthTestClient({ clock });
    const login = providerLogin();
    const { accessToken } = await providerSession(client, 'local', login);
    await providerSession(client, 'other', login);
    const [identity] = await listIdentities(client, accessToken);
    // The access token (15 minutes) is still good; the provider sign-in behind it no longer counts.
    clock.advanceSeconds(PROVIDER_REAUTHENTICATION_SECONDS + 1);
    const stale = await sendWithBearer(client, 'DELETE', `/auth/identities/${identity?.id}`, accessToken);
    expect(stale.status).toBe(403);
    expect(await errorOfResponse(stale)).toBe('reauthentication_required');
    expect(await listIdentities(client, accessToken)).toHaveLength(2);
  });
});

describe('POST /auth/account/delete for a provider account', () => {
  it('needs no password (a recent sign-in), removes the identities, and the next provider sign-in makes a new account', async () => {
    const client = createOAuthTestClient();
    const login = providerLogin();
    const { accessToken } = await providerSession(client, 'local', login);
    const before = ((await (await getMe(client, accessToken)).json()) as { user: { id: string } }).user.id;
    const deleted = await client.postJson('/auth/account/delete', {}, { Authorization: `Bearer ${accessToken}` });
    expect(deleted.status).toBe(204);
    const rows = await databaseForKey(client.env, before).prepare('SELECT COUNT(*) AS n FROM identities WHERE user_id = ?1').bind(before).first<{ n: number }>();
    expect(rows?.n).toBe(0);
    const again = await providerSession(client, 'local', login);
    const after = ((await (await getMe(client, again.accessToken)).json()) as { user: { id: string } }).user.id;
    expect(after).not.toBe(before);
  });
});
