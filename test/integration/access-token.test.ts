// The access token's header and claims, and how its keys are handled.
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestClient, getMe, signUpAndLogIn } from '../helpers/client';
import { decodeToken } from '../helpers/forge';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('access tokens', () => {
  it('carry the RFC 9068 header and the contract’s claims', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const { header, payload } = decodeToken(user.accessToken);
    const firstKey = (JSON.parse(env.JWT_SIGNING_KEYS) as { keys: { kid: string; alg: string }[] }).keys[0];
    expect(header).toEqual({ alg: firstKey?.alg, kid: firstKey?.kid, typ: 'at+jwt' });
    const claims = payload;
    expect(claims).toMatchObject({ iss: 'https://auth.example.test', aud: 'edge-auth', sub: user.userId, sid: user.sessionId, roles: [] });
    expect(typeof claims.jti).toBe('string');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
  });

  it('use JWT_ISSUER and JWT_AUDIENCE when they are set, and are refused by a service configured otherwise', async () => {
    const vars = { JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'my-api' };
    const client = createTestClient({ vars });
    const user = await signUpAndLogIn(client);
    expect(decodeToken(user.accessToken).payload).toMatchObject({ iss: 'https://id.example.com', aud: 'my-api' });
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    const otherAudience = createTestClient({ vars: { ...vars, JWT_AUDIENCE: 'edge-auth' } });
    expect((await getMe(otherAudience, user.accessToken)).status).toBe(401);
    const otherIssuer = createTestClient({ vars: { ...vars, JWT_ISSUER: 'https://id.example.com/' } });
    expect((await getMe(otherIssuer, user.accessToken)).status).toBe(401);
  });

  it('are refused once they are more than 30 s from being valid (iat in the future)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    client.clock.advanceSeconds(-31);
    expect((await getMe(client, user.accessToken)).status).toBe(401);
  });

  it('still verify after the signing key moves to second place (rotation keeps live tokens working)', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const { keys } = JSON.parse(env.JWT_SIGNING_KEYS) as { keys: unknown[] };
    const rotated = createTestClient({ vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys: [keys[1], keys[0], keys[2]] }) } });
    expect((await getMe(rotated, user.accessToken)).status).toBe(200);
    const retired = createTestClient({ vars: { JWT_SIGNING_KEYS: JSON.stringify({ keys: [keys[1], keys[2]] }) } });
    expect((await getMe(retired, user.accessToken)).status).toBe(401);
  });

  it('are verified with keys imported once per isolate, not once per request', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    expect((await getMe(client, user.accessToken)).status).toBe(200);
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    for (let i = 0; i < 5; i++) expect((await getMe(client, user.accessToken)).status).toBe(200);
    expect(importKey).not.toHaveBeenCalled();
  });
});
