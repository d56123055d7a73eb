// Mail HTML escapes what it is given: a passkey name, a user agent or a product name is shown as text, never read as markup.
import { describe, expect, it } from 'vitest';
import { composeLinkMail, composeSecurityNotice } from '../../src/mail/messages';

const HOSTILE = '<img src=x onerror="alert(1)">';

describe('mail HTML', () => {
  it('shows a hostile passkey name, user agent and product name as text in a security notice', () => {
    const notice = composeSecurityNotice({
      to: 'ann@example.test',
      change: 'passkey_added',
      detail: HOSTILE,
      productName: `Acme ${HOSTILE}`,
      at: 1_800_000_000,
      client: { ip: '203.0.113.7', userAgent: HOSTILE, country: null },
      resetPage: 'https://auth.example.test/reset-password?from=notice&lang=en',
    });
    expect(notice.html).not.toMatch(/<img|onerror="/);
    expect(notice.html).toContain('&lt;img src=x');
    expect(notice.html).toContain('href="https://auth.example.test/reset-password?from=notice&amp;lang=en"');
    expect(notice.text).toContain(HOSTILE);
  });

  it('keeps its own markup: one paragraph per line and the link as an anchor, second', () => {
    const mail = composeLinkMail('verify_email', { to: 'ann@example.test', link: 'https://auth.example.test/verify#token=abc', productName: 'Acme', ttlSeconds: 1800 });
    expect(mail.html.startsWith('<!doctype html><html><body')).toBe(true);
    expect(mail.html.match(/<p>/g)).toHaveLength(5);
    expect(mail.html).toMatch(/^[^]*?<p>[^<]*<\/p><p><a href="https:\/\/auth\.example\.test\/verify#token=abc">Verify my address<\/a><\/p>/);
  });
});
