// Account recovery and verification in Chromium: forgot and reset, verification banner, change of address, deletion.
import { describe, expect, it } from 'vitest';
import { closeDevicesAfterEach, saveScreenshot } from './support/browser';
import { PASSWORD, openDemo, statusText, submitSignIn, uniqueEmail, waitForState } from './support/demo-page';
import { waitForMailedLink } from './support/mail-log';

const NEW_PASSWORD = 'my brand new passphrase';
const device = closeDevicesAfterEach();

describe('account recovery and verification in Chromium', () => {
  it('forgot password, then reset through the mailed link, then signs in with the new password', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const email = uniqueEmail('forgot');
    await submitSignIn(page, email, 'register');
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForState(page, 'signed-out');

    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByLabel('Account address').fill(email);
    await saveScreenshot(page, 'account-01-forgot-password');
    await page.getByRole('button', { name: 'Send the reset link' }).click();
    await expect.poll(() => statusText(page)).toContain('reset link is on its way');

    const link = await waitForMailedLink(email, '/reset-password');
    await page.goto(link);
    expect(new URL(page.url()).hash).toBe('');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await saveScreenshot(page, 'account-02-reset-password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => statusText(page)).toContain('Your password is changed');
    await saveScreenshot(page, 'account-03-password-changed');

    await page.getByRole('link', { name: 'Back to the demo' }).click();
    await waitForState(page, 'signed-out');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await waitForState(page, 'signed-in');
    expect(await page.locator('#user-email').innerText()).toBe(email);
  });

  it('shows the verify banner after register, and hides it once the mailed link was used', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const email = uniqueEmail('banner');
    await submitSignIn(page, email, 'register');
    await expect.poll(() => page.locator('#verify-banner').isVisible()).toBe(true);
    await saveScreenshot(page, 'account-04-verify-banner');

    const linkPage = await context.newPage();
    await linkPage.goto(await waitForMailedLink(email, '/verify-email'));
    await linkPage.getByRole('button', { name: 'Verify my address' }).click();
    await expect.poll(() => statusText(linkPage)).toContain(`${email} is verified`);
    await saveScreenshot(linkPage, 'account-05-verified');

    await page.reload();
    await waitForState(page, 'signed-in');
    expect(await page.locator('#verify-banner').isVisible()).toBe(false);
    await saveScreenshot(page, 'account-06-banner-gone');
  });

  it('changes the address through account settings and the link mailed to the new address', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const email = uniqueEmail('old');
    const newEmail = uniqueEmail('new');
    await submitSignIn(page, email, 'register');
    await page.getByLabel('New address').fill(newEmail);
    await page.locator('#change-email-password').fill(PASSWORD);
    await saveScreenshot(page, 'account-07-change-address');
    await page.getByRole('button', { name: 'Change address' }).click();
    await expect.poll(() => statusText(page)).toContain(`Check ${newEmail}`);

    const linkPage = await context.newPage();
    await linkPage.goto(await waitForMailedLink(newEmail, '/verify-email'));
    await linkPage.getByRole('button', { name: 'Verify my address' }).click();
    await expect.poll(() => statusText(linkPage)).toContain(`${newEmail} is verified`);

    await page.reload();
    await waitForState(page, 'signed-in');
    expect(await page.locator('#user-email').innerText()).toBe(newEmail);
    expect(await page.locator('#verify-banner').isVisible()).toBe(false);
    await saveScreenshot(page, 'account-08-address-changed');
  });

  it('deletes the account from account settings; its password no longer signs in', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const email = uniqueEmail('delete');
    await submitSignIn(page, email, 'register');
    await page.locator('#delete-password').fill(PASSWORD);
    await saveScreenshot(page, 'account-09-delete-account');
    await page.getByRole('button', { name: 'Delete account' }).click();
    await waitForState(page, 'signed-out');
    await expect.poll(() => statusText(page)).toContain('Your account is deleted');
    await saveScreenshot(page, 'account-10-deleted');

    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.locator('#form-error').innerText()).toContain('incorrect');
  });
});
