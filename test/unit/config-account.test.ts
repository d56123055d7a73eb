// The account-recovery variables: contract defaults, and a clear error naming each bad one.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config';
import { ConfigError } from '../../src/core/errors';

const base = { JWT_SIGNING_KEYS: env.JWT_SIGNING_KEYS };

function variableOf(vars: Record<string, unknown>): string {
  try {
    parseConfig({ ...base, ...vars });
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('account recovery configuration', () => {
  it('uses the contract defaults', () => {
    expect(parseConfig(base).account).toEqual({
      mailTransport: 'console',
      mailFrom: undefined,
      mailWebhook: undefined,
      productName: 'edge-auth',
      verifyEmailUrl: undefined,
      resetPasswordUrl: undefined,
      emailVerificationTtlSeconds: 86_400,
      passwordResetTtlSeconds: 1800,
      requireEmailVerification: false,
    });
  });

  it('reads a complete webhook setup', () => {
    const account = parseConfig({
      ...base,
      MAIL_TRANSPORT: 'webhook',
      MAIL_FROM: 'no-reply@example.com',
      MAIL_WEBHOOK_URL: 'https://mail.example.com/send',
      MAIL_WEBHOOK_SECRET: 'x'.repeat(32),
      REQUIRE_EMAIL_VERIFICATION: 'true',
      RESET_PASSWORD_URL: 'https://app.example.com/reset',
    }).account;
    expect(account).toMatchObject({ mailTransport: 'webhook', mailFrom: 'no-reply@example.com', requireEmailVerification: true, resetPasswordUrl: 'https://app.example.com/reset' });
    expect(account.mailWebhook).toEqual({ url: 'https://mail.example.com/send', secret: 'x'.repeat(32) });
  });

  it.each([
    [{ MAIL_TRANSPORT: 'smtp' }, 'MAIL_TRANSPORT'],
    [{ MAIL_TRANSPORT: 'cloudflare' }, 'MAIL_FROM'],
    [{ MAIL_TRANSPORT: 'cloudflare', MAIL_FROM: 'not an address' }, 'MAIL_FROM'],
    [{ MAIL_TRANSPORT: 'webhook', MAIL_FROM: 'a@example.com' }, 'MAIL_WEBHOOK_URL'],
    [{ MAIL_TRANSPORT: 'webhook', MAIL_FROM: 'a@example.com', MAIL_WEBHOOK_URL: 'http://mail.example.com/' }, 'MAIL_WEBHOOK_URL'],
    [{ MAIL_TRANSPORT: 'webhook', MAIL_FROM: 'a@example.com', MAIL_WEBHOOK_URL: 'https://mail.example.com/', MAIL_WEBHOOK_SECRET: 'short' }, 'MAIL_WEBHOOK_SECRET'],
    [{ PRODUCT_NAME: 'Acme\nBcc: everyone' }, 'PRODUCT_NAME'],
    [{ PRODUCT_NAME: 'x'.repeat(65) }, 'PRODUCT_NAME'],
    [{ VERIFY_EMAIL_URL: 'javascript:alert(1)' }, 'VERIFY_EMAIL_URL'],
    [{ RESET_PASSWORD_URL: 'https://app.example.com/reset#x' }, 'RESET_PASSWORD_URL'],
    [{ EMAIL_VERIFICATION_TTL_SECONDS: '1d' }, 'EMAIL_VERIFICATION_TTL_SECONDS'],
    [{ PASSWORD_RESET_TTL_SECONDS: '10' }, 'PASSWORD_RESET_TTL_SECONDS'],
    [{ REQUIRE_EMAIL_VERIFICATION: 'yes' }, 'REQUIRE_EMAIL_VERIFICATION'],
    [{ MAIL_TRANSPRT: 'console' }, 'MAIL_TRANSPRT'],
  ])('refuses %o naming %s', (vars, variable) => {
    expect(variableOf(vars)).toBe(variable);
  });
});
