// Passwords are normalised (NFKC) once: the policy judges the very string that is hashed.
import { describe, expect, it } from 'vitest';
import { createTestClient, sendWithBearer, signUpAndLogIn, uniqueEmail } from '../helpers/client';

const FULLWIDTH_PASSWORD = '\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44'; // ｐａｓｓｗｏｒｄ
// Eight code points as typed, four characters once composed: é é é é.
const FOUR_COMPOSED_CHARACTERS = 'e\u0301'.repeat(4);

describe('password policy after normalisation', () => {
  it('refuses a fullwidth common password at register, as the common password it normalises to', async () => {
    const client = createTestClient();
    const response = await client.postJson('/auth/register', { email: uniqueEmail(), password: FULLWIDTH_PASSWORD });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'weak_password' });
  });

  it('counts characters after normalisation, so combining marks cannot pass the 8-character minimum', async () => {
    const client = createTestClient();
    const response = await client.postJson('/auth/register', { email: uniqueEmail(), password: FOUR_COMPOSED_CHARACTERS });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'weak_password' });
  });

  it('applies the same rules to a new password on POST /auth/password', async () => {
    const client = createTestClient();
    const user = await signUpAndLogIn(client);
    for (const newPassword of [FULLWIDTH_PASSWORD, FOUR_COMPOSED_CHARACTERS]) {
      const response = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: user.password, new_password: newPassword });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'weak_password' });
    }
  });

  it('signs in with any form of a password that normalises to the registered one', async () => {
    const client = createTestClient();
    const password = 'caf\u00e9 \uFF41u lait, s\u2019il vous pla\u00eet';
    const user = await signUpAndLogIn(client, { password });
    const typedOtherwise = password.normalize('NFD').replace('\uFF41', 'a');
    const response = await client.postJson('/auth/login', { email: user.email, password: typedOtherwise });
    expect(response.status).toBe(200);
  });
});
