// Addresses a mail server could read as another one are refused at every route that takes an address (login: like an unknown one).
import { describe, expect, it } from 'vitest';
import { createTestClient, DEFAULT_PASSWORD, sendWithBearer, signUpAndLogIn, uniqueIp } from '../helpers/client';

const HOSTILE = ['x<victim@a.b>', 'v@a,evil', '(c)v@a.b', 'a;b@c.d', '"q"@a.b', 'a..b@c.d', '.a@b.c', 'a@localhost'];

function client() {
  return createTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
}

async function expectInvalidRequest(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: 'invalid_request' });
}

describe('addresses that are not RFC 5321 mailboxes', () => {
  it.each(HOSTILE)('POST /auth/register refuses %s with 400 invalid_request', async (email) => {
    await expectInvalidRequest(await client().postJson('/auth/register', { email, password: DEFAULT_PASSWORD }));
  });

  it.each(HOSTILE)('POST /auth/password/forgot refuses %s with 400 invalid_request', async (email) => {
    await expectInvalidRequest(await client().postJson('/auth/password/forgot', { email }, { 'CF-Connecting-IP': uniqueIp() }));
  });

  it.each(HOSTILE)('POST /auth/email/change refuses %s with 400 invalid_request', async (new_email) => {
    const testClient = client();
    const user = await signUpAndLogIn(testClient);
    await expectInvalidRequest(await sendWithBearer(testClient, 'POST', '/auth/email/change', user.accessToken, { new_email, password: DEFAULT_PASSWORD }));
  });

  it('POST /auth/login answers one of them like an unknown address (401 invalid_credentials), telling nothing more', async () => {
    const testClient = client();
    for (const email of HOSTILE) {
      const response = await testClient.postJson('/auth/login', { email, password: DEFAULT_PASSWORD }, { 'CF-Connecting-IP': uniqueIp() });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_credentials' });
    }
  });
});
