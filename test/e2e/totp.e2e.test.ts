// Two-step sign-in from the demo page in Chromium: set up an authenticator app from the page, sign out, sign in with password and code.
import { describe, expect, it } from 'vitest';
import { base32ToBytes, totpCodeForStep, totpStepAt } from '../../src/totp/totp';
import { closeDevicesAfterEach, saveScreenshot } from './support/browser';
import { confirmWithPassword, openDemo, PASSWORD, submitSignIn, uniqueEmail, verifyAddress, waitForState } from './support/demo-page';

const device = closeDevicesAfterEach();

/** The code an authenticator app shows now, or `stepOffset` steps on (one step of skew is accepted). */
function appCode(secret: Uint8Array, stepOffset = 0): string {
  return totpCodeForStep(secret, totpStepAt(Math.floor(Date.now() / 1000)) + stepOffset);
}

describe('demo page: two-step sign-in', () => {
  it('turns TOTP on with the QR code shown, then a sign-in asks for the code and completes with it', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const email = uniqueEmail('totp');
    await submitSignIn(page, email, 'register');
    await verifyAddress(context, email);

    await page.getByRole('button', { name: 'Set up an authenticator app', exact: true }).click();
    await confirmWithPassword(page);
    await page.locator('#totp-setup-panel').waitFor({ state: 'visible' });
    const canvasWidth = await page.locator('#totp-qr').evaluate((canvas) => (canvas as HTMLCanvasElement).width);
    expect(canvasWidth).toBeGreaterThan(100);
    const secret = base32ToBytes(await page.locator('#totp-secret').innerText());
    expect(secret?.length).toBe(20);
    await saveScreenshot(page, '30-totp-setup-qr');
    await page.getByLabel('Code the app shows').fill(await appCode(secret ?? new Uint8Array()));
    await page.getByRole('button', { name: 'Turn on two-step sign-in', exact: true }).click();
    await expect.poll(() => page.locator('#totp-recovery-codes li').count()).toBe(10);
    await saveScreenshot(page, '31-totp-recovery-codes');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForState(page, 'signed-out');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('#mfa-form').waitFor({ state: 'visible' });
    expect(await page.locator('body').getAttribute('data-state')).toBe('signed-out');
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill('000000');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await expect.poll(() => page.locator('#mfa-error').innerText()).not.toBe('');
    await saveScreenshot(page, '32-totp-code-prompt');
    // One step ahead: never the step that turned TOTP on, which is used up.
    await page.getByLabel('Code from your authenticator app, or a recovery code').fill(await appCode(secret ?? new Uint8Array(), 1));
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await waitForState(page, 'signed-in');
    expect(await page.locator('#user-email').innerText()).toBe(email);
    await saveScreenshot(page, '33-signed-in-with-code');
  });
});
