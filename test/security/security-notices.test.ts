// Security notices: the owner of a verified address gets one security_notice mail per change to the ways into the account.
import { describe, expect, it } from 'vitest';
import { MAIL_TEMPLATES, type MailKind, type MailMessage } from '../../src/mail/messages';
import { databaseForKey } from '../../src/storage/database';
import { DEFAULT_PASSWORD, sendWithBearer, signUpAndLogIn, type SignedInUser, type TestClient } from '../helpers/client';
import { createMailTestClient, type MailTestClient } from '../helpers/mailbox';
import { providerLogin, providerSession, testOAuthProviders } from '../helpers/oidc-flow';
import { addPasskey } from '../helpers/passkeys';
import { codeAt, enableTotp } from '../helpers/totp';

const NEW_PASSWORD = 'another perfectly fine passphrase';

function noticeClient(): MailTestClient {
  return createMailTestClient({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0', OAUTH_PROVIDERS: testOAuthProviders() } });
}

async function markVerified(client: TestClient, userId: string): Promise<void> {
  await databaseForKey(client.env, userId).prepare('UPDATE users SET email_verified = 1 WHERE id = ?1').bind(userId).run();
}

async function verifiedUser(client: MailTestClient, options: { email?: string } = {}): Promise<SignedInUser> {
  const user = await signUpAndLogIn(client, options);
  await markVerified(client, user.userId);
  return user;
}

function noticesTo(client: MailTestClient, address: string): MailMessage[] {
  return client.mailbox.to(address).filter((message) => message.kind === 'security_notice');
}

/** The one notice sent since `before` notices, checked for what every notice must say and must not carry. */
function onlyNewNotice(client: MailTestClient, address: string, before: number, secrets: readonly string[] = []): MailMessage {
  const notices = noticesTo(client, address).slice(before);
  expect(notices).toHaveLength(1);
  const notice = notices[0] as MailMessage;
  expect(notice.link).toBeNull();
  expect(notice.text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  expect(notice.text).toContain('https://auth.example.test/reset-password');
  expect(notice.text).not.toMatch(/#token=|[0-9a-z]{2}\.[A-Za-z0-9_-]{43}/);
  for (const secret of [DEFAULT_PASSWORD, NEW_PASSWORD, ...secrets]) {
    expect(notice.text).not.toContain(secret);
    expect(notice.html).not.toContain(secret);
  }
  return notice;
}

describe('security notices: one per change, to a verified address', () => {
  it('tells of a password change, with when, the device (user agent and IP) and what to do if it was not the owner', async () => {
    const client = noticeClient();
    const user = await verifiedUser(client);
    const response = await client.fetch('/auth/password', {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.accessToken}`, 'Content-Type': 'application/json', 'User-Agent': 'NoticeTest/1.0', 'CF-Connecting-IP': '203.0.113.7' },
      body: JSON.stringify({ current_password: DEFAULT_PASSWORD, new_password: NEW_PASSWORD }),
    });
    expect(response.status).toBe(204);
    const notice = onlyNewNotice(client, user.email, 0);
    expect(notice.text).toContain('password of your account was changed');
    expect(notice.text).toContain('NoticeTest/1.0');
    expect(notice.text).toContain('203.0.113.7');
    expect(notice.text).toContain('If it was not, reset your password');
  });

  it('tells of a password reset, and the notice carries no part of the reset link', async () => {
    const client = noticeClient();
    const user = await verifiedUser(client);
    expect((await client.postJson('/auth/password/forgot', { email: user.email })).status).toBe(202);
    const token = client.mailbox.latestToken(user.email);
    expect((await client.postJson('/auth/password/reset', { token, new_password: NEW_PASSWORD })).status).toBe(204);
    const notice = onlyNewNotice(client, user.email, 0, [token, token.slice(3)]);
    expect(notice.text).toContain('was reset');
  });

  it('tells of TOTP turned on and then off, and carries neither the secret nor a recovery code', async () => {
    const client = noticeClient();
    const user = await verifiedUser(client);
    const totp = await enableTotp(client, user);
    const enabled = onlyNewNotice(client, user.email, 0, totp.recoveryCodes);
    expect(enabled.text).toContain('turned on');
    const disabled = await sendWithBearer(client, 'POST', '/auth/mfa/totp/disable', user.accessToken, { code: await codeAt(client, totp.secret) });
    expect(disabled.status).toBe(204);
    expect(onlyNewNotice(client, user.email, 1, totp.recoveryCodes).text).toContain('turned off');
  });

  it('tells of a passkey added and removed', async () => {
    const client = noticeClient();
    const user = await verifiedUser(client);
    const authenticator = await addPasskey(client, user.accessToken);
    expect(onlyNewNotice(client, user.email, 0).text).toContain('passkey was added');
    expect((await sendWithBearer(client, 'DELETE', `/auth/passkeys/${authenticator.id}`, user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(204);
    expect(onlyNewNotice(client, user.email, 1).text).toContain('passkey was removed');
  });

  it('tells of a provider\'s first sign-in (the automatic link) once, and of its removal', async () => {
    const client = noticeClient();
    const login = providerLogin('verified');
    const user = await verifiedUser(client, { email: login });
    const { accessToken } = await providerSession(client, 'local', login);
    const linked = onlyNewNotice(client, login, 0);
    expect(linked.text).toContain('linked to your account and signed in for the first time');
    expect(linked.text).toContain('(local)');
    await providerSession(client, 'local', login);
    expect(noticesTo(client, login)).toHaveLength(1);
    const listed = (await (await sendWithBearer(client, 'GET', '/auth/identities', accessToken)).json()) as { identities: { id: string }[] };
    const identityId = listed.identities[0]?.id ?? '';
    expect((await sendWithBearer(client, 'DELETE', `/auth/identities/${identityId}`, user.accessToken, { password: DEFAULT_PASSWORD })).status).toBe(204);
    expect(onlyNewNotice(client, login, 1).text).toContain('unlinked');
  });

  it('sends no notice for a change to an account whose address is unverified', async () => {
    const client = noticeClient();
    const user = await signUpAndLogIn(client);
    const response = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: DEFAULT_PASSWORD, new_password: NEW_PASSWORD });
    expect(response.status).toBe(204);
    expect(noticesTo(client, user.email)).toEqual([]);
  });

  it('sends no notice for a refused change', async () => {
    const client = noticeClient();
    const user = await verifiedUser(client);
    const response = await sendWithBearer(client, 'POST', '/auth/password', user.accessToken, { current_password: 'not the password at all', new_password: NEW_PASSWORD });
    expect(response.status).toBe(401);
    expect(noticesTo(client, user.email)).toEqual([]);
  });
});

describe('mail templates', () => {
  it('names a distinct template for every kind of message, as DESIGN lists them', () => {
    const expected: Record<MailKind, string> = {
      verify_email: 'verify_email',
      password_reset: 'reset_password',
      email_change: 'change_email',
      email_change_notice: 'email_changed_notice',
      security_notice: 'security_notice',
    };
    expect(MAIL_TEMPLATES).toEqual(expected);
  });
});
