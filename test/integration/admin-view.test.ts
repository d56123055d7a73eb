// GET /admin/users/:id: one user as an operator sees them, each capability adding its part.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newIdentityId } from '../../src/core/ids';
import { linkIdentity } from '../../src/providers/identity-rows';
import { databaseForKey } from '../../src/storage/database';
import { toBase64Url } from '../helpers/authenticator';
import { createTestClient, sendWithBearer, signUpVerified, type TestClient } from '../helpers/client';
import { addPasskey } from '../helpers/passkeys';
import { enableTotp } from '../helpers/totp';

interface AdminView {
  user: { id: string; email: string; email_verified: boolean; roles: string[]; created_at: string };
  sessions: { id: string }[];
  factors: { id: string; type: string; name: string | null; created_at: string; last_used_at: string | null }[];
  identities: { id: string; provider: string; email: string | null }[];
  events: { type: string }[];
}

async function signedInAdmin(client: TestClient): Promise<string> {
  const admin = await signUpVerified(client);
  await databaseForKey(client.env, admin.userId).prepare('UPDATE users SET roles = ?2 WHERE id = ?1').bind(admin.userId, JSON.stringify(['admin'])).run();
  const login = await client.postJson('/auth/login', { email: admin.email, password: admin.password, token_delivery: 'body' });
  return ((await login.json()) as { access_token: string }).access_token;
}

describe('GET /admin/users/:id', () => {
  it("shows the profile, live sessions, every factor, linked identities and recent events, each from its capability", async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    await enableTotp(client, user);
    const passkey = await addPasskey(client, user.accessToken);
    const identityId = newIdentityId(user.userId);
    const linked = await linkIdentity(env, { id: identityId, userId: user.userId, provider: 'test-provider', subject: crypto.randomUUID(), email: user.email, createdAt: Math.floor(Date.now() / 1000) }, { ip: null, userAgent: null, country: null });
    expect(linked).toBeTruthy();

    const response = await sendWithBearer(client, 'GET', `/admin/users/${user.userId}`, await signedInAdmin(client));
    expect(response.status).toBe(200);
    const view = (await response.json()) as AdminView;
    expect(view.user).toMatchObject({ id: user.userId, email: user.email, email_verified: true, roles: [] });
    expect(view.sessions.map((session) => session.id)).toContain(user.sessionId);
    expect(view.factors.map((factor) => factor.type).sort()).toEqual(['passkey', 'totp']);
    expect(view.factors.find((factor) => factor.type === 'passkey')?.id).toBe(toBase64Url(passkey.credentialId));
    expect(view.identities.map((identity) => identity.id)).toEqual([identityId]);
    expect(view.events.map((event) => event.type)).toContain('login_succeeded');
    // Never a secret: no password hash, no TOTP secret, no token.
    expect(JSON.stringify(view)).not.toMatch(/pbkdf2|sealed|secret|refresh_token/i);
  });

  it('leaves out a TOTP factor that was set up but never enabled: it guards nothing', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    const setup = await sendWithBearer(client, 'POST', '/auth/mfa/totp/setup', user.accessToken, { password: user.password });
    expect(setup.status).toBe(200);
    const view = (await (await sendWithBearer(client, 'GET', `/admin/users/${user.userId}`, await signedInAdmin(client))).json()) as AdminView;
    expect(view.factors).toEqual([]);
  });

  it('needs the admin role (403) and a token (401), and answers 404 for nobody', async () => {
    const client = createTestClient();
    const user = await signUpVerified(client);
    expect((await sendWithBearer(client, 'GET', `/admin/users/${user.userId}`, user.accessToken)).status).toBe(403);
    expect((await client.fetch(`/admin/users/${user.userId}`)).status).toBe(401);
    const admin = await signedInAdmin(client);
    expect((await sendWithBearer(client, 'GET', '/admin/users/00.nobody', admin)).status).toBe(404);
    expect((await sendWithBearer(client, 'GET', '/admin/users/zz.unknown-shard', admin)).status).toBe(404);
  });

  it('still shows what a turned-off capability stored', async () => {
    const on = createTestClient();
    const user = await signUpVerified(on);
    await enableTotp(on, user);
    const off = createTestClient({ vars: { DISABLED_CAPABILITIES: 'totp' } });
    const view = (await (await sendWithBearer(off, 'GET', `/admin/users/${user.userId}`, await signedInAdmin(off))).json()) as AdminView;
    expect(view.factors.map((factor) => factor.type)).toEqual(['totp']);
  });
});
