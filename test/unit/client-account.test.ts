// The SDK's account calls against the real app: verification, reset, email change, deletion.
import { describe, expect, it } from 'vitest';
import { AuthClientError, createAuthClient } from '../../src/client';
import { createTestBrowser } from '../helpers/browser';
import { BASE_URL, DEFAULT_PASSWORD, uniqueEmail } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';

function openClient(server: MailTestClient) {
  return createAuthClient({ baseUrl: BASE_URL, fetch: createTestBrowser(server).fetch, now: server.clock.now, crossTab: false });
}

async function signedIn(server: MailTestClient) {
  const auth = openClient(server);
  const email = uniqueEmail('sdk-account');
  await auth.register(email, DEFAULT_PASSWORD);
  await auth.login(email, DEFAULT_PASSWORD);
  return { auth, email };
}

describe('client SDK: account recovery and verification', () => {
  it('verifies the address and refreshes, so session.user.emailVerified turns true', async () => {
    const server = createMailTestClient();
    const { auth, email } = await signedIn(server);
    expect(auth.getSession()?.user.emailVerified).toBe(false);
    const user = await auth.verifyEmail(server.mailbox.latestToken(email));
    expect(user).toMatchObject({ email, emailVerified: true });
    expect(auth.getSession()?.user.emailVerified).toBe(true);
  });

  it('reports a used link as AuthClientError invalid_link', async () => {
    const server = createMailTestClient();
    const { auth, email } = await signedIn(server);
    const token = server.mailbox.latestToken(email);
    await auth.verifyEmail(token);
    await expect(auth.verifyEmail(token)).rejects.toMatchObject({ code: 'invalid_link' });
  });

  it('asks for a reset link and resets; the session then ends on the next call', async () => {
    const server = createMailTestClient();
    const { auth, email } = await signedIn(server);
    server.clock.advanceSeconds(61);
    await auth.requestPasswordReset(email);
    await auth.requestPasswordReset(uniqueEmail('nobody'));
    await auth.resetPassword(server.mailbox.latestToken(email), 'a sdk chosen passphrase');
    const fresh = openClient(server);
    await expect(fresh.login(email, DEFAULT_PASSWORD)).rejects.toBeInstanceOf(AuthClientError);
    expect((await fresh.login(email, 'a sdk chosen passphrase')).user.email).toBe(email);
  });

  it('asks for a new verification link, changes the address, and deletes the account (signed out after)', async () => {
    const server = createMailTestClient();
    const { auth, email } = await signedIn(server);
    server.clock.advanceSeconds(61);
    await auth.requestEmailVerification();
    expect(server.mailbox.to(email).filter((mail) => mail.kind === 'verify_email')).toHaveLength(2);
    const newEmail = uniqueEmail('sdk-moved');
    await expect(auth.changeEmail(newEmail, {})).rejects.toMatchObject({ code: 'reauthentication_required' });
    await expect(auth.changeEmail(newEmail, { password: 'wrong password here' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    await auth.changeEmail(newEmail, { password: DEFAULT_PASSWORD });
    expect(server.mailbox.to(newEmail)).toHaveLength(1);
    await auth.deleteAccount({ password: DEFAULT_PASSWORD });
    expect(auth.getStatus()).toBe('signed_out');
  });
});
