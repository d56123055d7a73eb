// Passkeys from the demo page in Chromium with the CDP virtual authenticator: add one, sign out, sign in with it.
// WebAuthn refuses IP addresses as RP IDs, so the page is opened on localhost (the RP ID is then "localhost").
import type { Page } from 'playwright-core';
import { describe, expect, it, inject } from 'vitest';
import { closeDevicesAfterEach, saveScreenshot } from './support/browser';
import { confirmWithPassword, submitSignIn, uniqueEmail, verifyAddress, waitForState } from './support/demo-page';

const device = closeDevicesAfterEach();

async function openDemoOnLocalhost(page: Page): Promise<void> {
  await page.goto(`${inject('baseUrl').replace('127.0.0.1', 'localhost')}/`);
  await page.waitForSelector('body:not([data-state="loading"])');
}

describe('demo page: passkeys', () => {
  it('registers a passkey with a platform authenticator, signs out, and signs in with it', async () => {
    const { context } = await device();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    await openDemoOnLocalhost(page);
    const email = uniqueEmail('passkey');
    await submitSignIn(page, email, 'register');
    await verifyAddress(context, email);

    await page.getByLabel('Name for a new passkey').fill('Virtual laptop');
    await page.getByRole('button', { name: 'Add a passkey', exact: true }).click();
    // Adding a way to sign in asks who it is, in the same request: the password.
    await saveScreenshot(page, '19-passkey-proof-prompt');
    await confirmWithPassword(page);
    await expect.poll(() => page.locator('#passkeys-list li').count()).toBe(1);
    expect(await page.locator('#passkeys-list li').innerText()).toContain('Virtual laptop');
    await saveScreenshot(page, '20-passkey-added');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await waitForState(page, 'signed-out');
    await page.getByRole('button', { name: 'Sign in with a passkey', exact: true }).click();
    await waitForState(page, 'signed-in');
    // The list reloads after the signed-in state shows; wait for the reloaded entry.
    await expect.poll(() => page.locator('#passkeys-list li').innerText()).toContain('last used');
    await saveScreenshot(page, '21-signed-in-with-passkey');

    await page.getByRole('button', { name: 'Remove the passkey Virtual laptop' }).click();
    await confirmWithPassword(page);
    await expect.poll(() => page.locator('#passkeys-list li').count()).toBe(0);
  });
});
