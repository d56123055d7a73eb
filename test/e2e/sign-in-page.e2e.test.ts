// The hosted sign-in page in Chromium: keyboard only, without JavaScript, a wrong password, and the TOTP step.
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { base32ToBytes, totpCodeForStep, totpStepAt } from '../../src/totp/totp';
import { closeDevicesAfterEach, saveScreenshot } from './support/browser';
import { confirmWithPassword, PASSWORD, submitSignIn, uniqueEmail, verifyAddress, waitForState } from './support/demo-page';
import { waitForMailedLink } from './support/mail-log';

const device = closeDevicesAfterEach();
const JSON_HEADERS = { 'Content-Type': 'application/json' };

async function api(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${inject('baseUrl')}${path}`, { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });
}

async function register(email: string): Promise<void> {
  const response = await api('/auth/register', { email, password: PASSWORD });
  expect(response.status).toBe(201);
}

/** Verifies the address with its mailed link, signs in over the API and turns TOTP on; returns the secret. */
async function registerWithTotp(email: string): Promise<Uint8Array> {
  await register(email);
  const link = await waitForMailedLink(email, '/verify-email');
  expect((await api('/auth/email/verify', { token: new URL(link).hash.slice('#token='.length) })).status).toBe(200);
  const login = await api('/auth/login', { email, password: PASSWORD, token_delivery: 'body' });
  const { access_token } = (await login.json()) as { access_token: string };
  const bearer = { Authorization: `Bearer ${access_token}` };
  const setup = await api('/auth/mfa/totp/setup', { password: PASSWORD }, bearer);
  const secret = base32ToBytes(((await setup.json()) as { secret: string }).secret) ?? new Uint8Array();
  const code = totpCodeForStep(secret, totpStepAt(Math.floor(Date.now() / 1000)));
  expect((await api('/auth/mfa/totp/enable', { code }, bearer)).status).toBe(200);
  return secret;
}

async function cookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((cookie) => cookie.name).sort();
}

async function openSignIn(context: BrowserContext, returnTo: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${inject('baseUrl')}/sign-in?return_to=${encodeURIComponent(returnTo)}`);
  return page;
}

describe('the hosted sign-in page in Chromium', () => {
  it('signs in with the keyboard only: Tab to each field in order, Enter submits, then to return_to with both cookies', async () => {
    const { context } = await device();
    const email = uniqueEmail('page-keys');
    await register(email);
    const page = await openSignIn(context, '/health?from=sign-in');
    await saveScreenshot(page, '60-sign-in-page');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#form-error');
    expect(await page.locator('#form-error').innerText()).toBe('Email or password is incorrect.');
    expect(await page.locator('#email').inputValue()).toBe(email);
    expect(await page.locator('#password').getAttribute('aria-describedby')).toBe('form-error');
    await saveScreenshot(page, '61-sign-in-page-wrong-password');
    await page.locator('#password').focus();
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/health\?from=sign-in$/);
    expect(await cookieNames(context)).toEqual(expect.arrayContaining(['__Host-edge_auth_refresh', '__Host-edge_auth_signin']));
  });

  it('signs in without JavaScript', async () => {
    const { context } = await device({ javaScriptEnabled: false });
    const email = uniqueEmail('page-nojs');
    await register(email);
    const page = await openSignIn(context, '/health');
    expect(await page.locator('#passkey').isVisible()).toBe(false);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/health$/);
    expect(await cookieNames(context)).toEqual(expect.arrayContaining(['__Host-edge_auth_refresh', '__Host-edge_auth_signin']));
  });

  it('signs in with a passkey through the page\'s own script (virtual authenticator, on localhost)', async () => {
    const { context } = await device();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    // WebAuthn refuses IP addresses as RP IDs: the demo (to add the passkey) and the page both run on localhost.
    const origin = inject('baseUrl').replace('127.0.0.1', 'localhost');
    await page.goto(`${origin}/`);
    await page.waitForSelector('body:not([data-state="loading"])');
    const email = uniqueEmail('page-passkey');
    await submitSignIn(page, email, 'register');
    await verifyAddress(context, email);
    await page.getByLabel('Name for a new passkey').fill('Virtual laptop');
    await page.getByRole('button', { name: 'Add a passkey', exact: true }).click();
    await confirmWithPassword(page);
    await expect.poll(() => page.locator('#passkeys-list li').count()).toBe(1);
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForState(page, 'signed-out');
    expect(await cookieNames(context)).not.toContain('__Host-edge_auth_signin');

    await page.goto(`${origin}/sign-in?return_to=${encodeURIComponent('/health?via=passkey')}`);
    await page.getByRole('button', { name: 'Sign in with a passkey', exact: true }).click();
    await page.waitForURL(/\/health\?via=passkey$/);
    expect(await cookieNames(context)).toEqual(expect.arrayContaining(['__Host-edge_auth_refresh', '__Host-edge_auth_signin']));
  });

  it('asks for the authenticator code when TOTP is on, without JavaScript, and signs in with it', async () => {
    const { context } = await device({ javaScriptEnabled: false });
    const email = uniqueEmail('page-totp');
    const secret = await registerWithTotp(email);
    const page = await openSignIn(context, '/health');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Code', { exact: true }).waitFor();
    await saveScreenshot(page, '62-sign-in-page-totp-step');
    // One step ahead: the step that turned TOTP on is used up.
    await page.getByLabel('Code', { exact: true }).fill(totpCodeForStep(secret, totpStepAt(Math.floor(Date.now() / 1000)) + 1));
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.waitForURL(/\/health$/);
    expect(await cookieNames(context)).toEqual(expect.arrayContaining(['__Host-edge_auth_refresh', '__Host-edge_auth_signin']));
  });
});
