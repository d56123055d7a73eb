// Against `npm start`: verification and password reset completed from the mail_console log lines the local queue writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConsoleMails, tokenOfLink, waitForMailedLink } from '../support/console-mail';
import { startDevServer, type DevServer } from '../support/dev-server.mjs';

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ vars: { IP_RATE_LIMIT_PER_MINUTE: '0' } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const consoleMails = () => parseConsoleMails(server.output());
const waitForLink = (to: string, page: string) => waitForMailedLink(server.output, to, page);

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

async function logIn(email: string, password: string): Promise<Response> {
  return post('/auth/login', { email, password, token_delivery: 'body' });
}

describe('npm start delivers mail to the console through the local queue', () => {
  it('completes email verification from the mail_console line', async () => {
    const email = `console-verify-${Date.now()}@example.test`;
    expect((await post('/auth/register', { email, password: 'a perfectly fine passphrase' })).status).toBe(201);
    const link = await waitForLink(email, '/verify-email');
    expect(link.startsWith(`${server.url}/verify-email#token=`)).toBe(true);
    const mail = consoleMails().find((entry) => entry.link === link);
    expect(mail?.text).toContain(link);
    expect(mail?.template).toBe('verify_email');
    const verified = await post('/auth/email/verify', { token: tokenOfLink(link) });
    expect(verified.status).toBe(200);
    expect(((await verified.json()) as { user: { email_verified: boolean } }).user.email_verified).toBe(true);
  }, 60_000);

  it('completes a password reset from the mail_console line and signs in with the new password', async () => {
    const email = `console-reset-${Date.now()}@example.test`;
    expect((await post('/auth/register', { email, password: 'a perfectly fine passphrase' })).status).toBe(201);
    expect((await post('/auth/password/forgot', { email })).status).toBe(202);
    const link = await waitForLink(email, '/reset-password');
    const reset = await post('/auth/password/reset', { token: tokenOfLink(link), new_password: 'my brand new passphrase' });
    expect(reset.status).toBe(204);
    expect(consoleMails().find((entry) => entry.link === link)?.template).toBe('reset_password');
    expect((await logIn(email, 'a perfectly fine passphrase')).status).toBe(401);
    expect((await logIn(email, 'my brand new passphrase')).status).toBe(200);
    // The reset proved the address, so its owner is told of the new password, in a line of its own template.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !consoleMails().some((entry) => entry.to === email && entry.template === 'security_notice')) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(consoleMails().filter((entry) => entry.to === email).map((entry) => entry.template)).toEqual(['verify_email', 'reset_password', 'security_notice']);
  }, 60_000);

  it('names the template on every mail_console line', () => {
    const mails = consoleMails();
    expect(mails.length).toBeGreaterThan(0);
    for (const mail of mails) expect(['verify_email', 'reset_password', 'change_email', 'email_changed_notice', 'security_notice']).toContain(mail.template);
  });

  it('serves the static /verify-email and /reset-password pages', async () => {
    for (const page of ['/verify-email', '/reset-password']) {
      const response = await fetch(`${server.url}${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toContain('text/html');
      await response.text();
    }
  });
});
