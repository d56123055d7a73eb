// How a bearer token may travel: only once, only in Authorization, only as an access token.
import { describe, expect, it } from 'vitest';
import { createTestClient, getMe, signUpAndLogIn } from '../helpers/client';

describe('GET /auth/me refuses tokens that arrive the wrong way', () => {
  it('refuses a valid access token in the query string (400), even with no header', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    for (const parameter of ['access_token', 'token']) {
      const response = await client.fetch(`/auth/me?${parameter}=${user.accessToken}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('refuses a query-string token even when the header carries the same valid token', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch(`/auth/me?access_token=${user.accessToken}`, { headers: { Authorization: `Bearer ${user.accessToken}` } });
    expect(response.status).toBe(400);
  });

  it('refuses two Authorization headers, even when both carry the valid token', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const headers = new Headers();
    headers.append('Authorization', `Bearer ${user.accessToken}`);
    headers.append('Authorization', `Bearer ${user.accessToken}`);
    const response = await client.fetch('/auth/me', { headers });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses two bearer tokens in one Authorization header', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/me', { headers: { Authorization: `Bearer ${user.accessToken}, Bearer ${user.accessToken}` } });
    expect([400, 401]).toContain(response.status);
    expect(response.status).not.toBe(200);
  });

  it('refuses a refresh token sent as the bearer token', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await getMe(client, user.refreshToken);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
  });

  it.each([
    ['a random string', 'not-a-token'],
    ['random base64url bytes', btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(48)))).replace(/[+/=]/g, 'x')],
    ['the literal "null"', 'null'],
  ])('refuses %s as the bearer token', async (_name, token) => {
    const client = createTestClient();
    const response = await getMe(client, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
  });

  it.each([
    ['Basic credentials', (token: string) => `Basic ${btoa(`user:${token}`)}`],
    ['the token without a scheme', (token: string) => token],
    ['an empty Bearer', () => 'Bearer '],
    ['a token with a space inside', (token: string) => `Bearer ${token.slice(0, 10)} ${token.slice(10)}`],
  ])('refuses %s in the Authorization header', async (_name, header) => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    const response = await client.fetch('/auth/me', { headers: { Authorization: header(user.accessToken) } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('asks for a token with a bare Bearer challenge when none is sent', async () => {
    const client = createTestClient();
    const response = await client.fetch('/auth/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
  });
});
