// "Continue with local" on the demo page in Chromium, through the real OpenID Provider's own login and consent pages
// (oidc-provider on loopback, started by the e2e global setup): a new account, a second sign-in, a cancelled one, and
// the code prompt of an account with TOTP on.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { base32ToBytes, totpCodeForStep, totpStepAt } from '../../src/totp/totp';
import { closeDevicesAfterEach, saveScreenshot } from './support/browser';
import { confirmWithPassword, openDemo, uniqueEmail, waitForState } from './support/demo-page';

const device = closeDevicesAfterEach();

/** At the provider: types the login, then confirms the consent page. */
async function signInAtProvider(page: Page, login: string, screenshot?: string): Promise<void> {
  await page.waitForSelector('input[name="login"]');
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password at the test provider');
  if (screenshot) await saveScreenshot(page, screenshot);
  await page.locator('button[type="submit"]').click();
  // The consent page ("Authorize"), then back to the demo.
  await page.waitForSelector('button[type="submit"]');
  await page.locator('button[type="submit"]').click();
}

/** The code an authenticator app shows now, or `stepOffset` steps on (one step of skew is accepted). */
function appCode(secret: Uint8Array, stepOffset = 0): string {
  return totpCodeForStep(secret, totpStepAt(Math.floor(Date.now() / 1000)) + stepOffset);
}

/** After "Continue with local" again: the provider may remember its session and skip its login page. */
async function passProviderAgain(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === '/' || url.pathname.includes('/interaction/'));
  if (new URL(page.url()).pathname.includes('/interaction/')) {
    if ((await page.locator('input[name="login"]').count()) > 0) await signInAtProvider(page, login);
    else await page.locator('button[type="submit"]').click();
  }
}

describe('demo page: sign-in with another provider', () => {
  it('makes an account through the provider\'s login page, shows the linked provider, and signs in again after logging out', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const continueWith = page.getByRole('link', { name: 'Continue with local' });
    await expect.poll(() => continueWith.count()).toBe(1);
    await saveScreenshot(page, '30-continue-with-provider');

    const login = uniqueEmail('verified-e2e');
    await continueWith.click();
    await signInAtProvider(page, login, '31-provider-login-page');
    await waitForState(page, 'signed-in');
    expect(await page.locator('#user-email').innerText()).toBe(login);
    await expect.poll(() => page.locator('#identities-list li').count()).toBe(1);
    expect(await page.locator('#identities-list li').innerText()).toContain(login);
    await saveScreenshot(page, '32-signed-in-with-provider');

    // The only way to sign in cannot be unlinked (the prompt is answered by the provider sign-in moments ago).
    await page.getByRole('button', { name: 'Unlink local' }).click();
    await confirmWithPassword(page, '');
    await expect.poll(() => page.locator('#status').innerText()).toMatch(/last way to sign in/);

    const userId = await page.locator('#user-id').innerText();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForState(page, 'signed-out');
    await page.getByRole('link', { name: 'Continue with local' }).click();
    // The provider remembers its own session: its login page may be skipped, its consent page may show again.
    await passProviderAgain(page, login);
    await waitForState(page, 'signed-in');
    expect(await page.locator('#user-id').innerText()).toBe(userId);

    // An account without a password deletes itself with a recent sign-in, the password field left empty.
    await page.getByRole('button', { name: 'Delete account', exact: true }).click();
    await waitForState(page, 'signed-out');
    expect(await page.locator('#status').innerText()).toBe('Your account is deleted.');
  });

  it('asks an account with TOTP on for its code after the provider, and signs in with it', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const login = uniqueEmail('verified-e2e-totp');
    await page.getByRole('link', { name: 'Continue with local' }).click();
    await signInAtProvider(page, login);
    await waitForState(page, 'signed-in');
    await page.getByRole('button', { name: 'Set up an authenticator app', exact: true }).click();
    // No password: the provider sign-in of a moment ago is the proof, so the prompt is confirmed empty.
    await confirmWithPassword(page, '');
    await page.locator('#totp-setup-panel').waitFor({ state: 'visible' });
    const secret = base32ToBytes(await page.locator('#totp-secret').innerText()) ?? new Uint8Array();
    await page.getByLabel('Code the app shows').fill(await appCode(secret));
    await page.getByRole('button', { name: 'Turn on two-step sign-in', exact: true }).click();
    await expect.poll(() => page.locator('#totp-recovery-codes li').count()).toBe(10);
    const userId = await page.locator('#user-id').innerText();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForState(page, 'signed-out');

    await page.getByRole('link', { name: 'Continue with local' }).click();
    await passProviderAgain(page, login);
    // Back from the provider without a session: the code prompt, and the mfa_token gone from the address bar.
    await page.locator('#mfa-form').waitFor({ state: 'visible' });
    expect(await page.locator('body').getAttribute('data-state')).toBe('signed-out');
    expect(new URL(page.url()).hash).toBe('');
    await saveScreenshot(page, '34-provider-sign-in-asks-for-code');
    // One step ahead: never the step that turned TOTP on, which is used up.
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(await appCode(secret, 1));
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await waitForState(page, 'signed-in');
    expect(await page.locator('#user-id').innerText()).toBe(userId);
    // The session lives in the refresh cookie, as after any provider sign-in: a reload keeps it.
    await page.reload();
    await waitForState(page, 'signed-in');
    expect(await page.locator('#user-email').innerText()).toBe(login);
  });

  it('comes back signed out with the reason when the person cancels at the provider', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    await page.getByRole('link', { name: 'Continue with local' }).click();
    await page.waitForSelector('input[name="login"]');
    await page.getByRole('link', { name: /cancel/i }).click();
    await waitForState(page, 'signed-out');
    await expect.poll(() => page.locator('#form-error').innerText()).toBe('The sign-in was cancelled at the provider.');
    // The error is shown once and removed from the address bar.
    expect(new URL(page.url()).hash).toBe('');
    await saveScreenshot(page, '33-provider-sign-in-cancelled');
  });
});
