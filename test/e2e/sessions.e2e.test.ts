// Sessions from the demo page: the list, "Revoke", and "Log out everywhere" across devices.
// These need GET /auth/sessions, DELETE /auth/sessions/:id and POST /auth/logout-all (issue 3).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { closeDevicesAfterEach, saveScreenshot, type Device } from './support/browser';
import { callMe, openDemo, submitSignIn, uniqueEmail, waitForState } from './support/demo-page';

const device = closeDevicesAfterEach();

function sessionItems(page: Page) {
  return page.locator('#sessions-list li');
}

async function reloadSessions(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Reload', exact: true }).click();
  await page.waitForFunction(() => !(document.getElementById('sessions-note')?.textContent ?? '').startsWith('Loading'));
}

/** One user signed in on two devices (two browser profiles, so two sessions). */
async function signedInOnTwoDevices(): Promise<{ laptop: Device; phone: Device; onLaptop: Page; onPhone: Page }> {
  const laptop = await device();
  const phone = await device();
  const email = uniqueEmail('sessions');
  const onLaptop = await openDemo(laptop.context);
  await submitSignIn(onLaptop, email, 'register');
  const onPhone = await openDemo(phone.context);
  await submitSignIn(onPhone, email, 'login');
  return { laptop, phone, onLaptop, onPhone };
}

describe('demo page: sessions', () => {
  it('lists the sessions of the user, marks this device, and revokes another device', async () => {
    const { onLaptop, onPhone } = await signedInOnTwoDevices();

    await reloadSessions(onLaptop);
    await expect.poll(() => sessionItems(onLaptop).count()).toBe(2);
    expect(await sessionItems(onLaptop).filter({ hasText: 'This device' }).count()).toBe(1);
    await saveScreenshot(onLaptop, '06-sessions-list');

    await sessionItems(onLaptop).filter({ hasNotText: 'This device' }).getByRole('button', { name: /Revoke/ }).click();

    await expect.poll(() => sessionItems(onLaptop).count()).toBe(1);
    await callMe(onPhone);
    await waitForState(onPhone, 'signed-out');
    await waitForState(onLaptop, 'signed-in');
    await saveScreenshot(onLaptop, '07-session-revoked');
    await saveScreenshot(onPhone, '07-revoked-device-signed-out');
  });

  it('logs out everywhere: the other tab signs out at once, the other device on its next API call', async () => {
    const { laptop, onLaptop, onPhone } = await signedInOnTwoDevices();
    const secondTab = await openDemo(laptop.context);
    await waitForState(secondTab, 'signed-in');

    await onLaptop.getByRole('button', { name: 'Log out everywhere' }).click();

    await waitForState(onLaptop, 'signed-out');
    await waitForState(secondTab, 'signed-out');
    // The phone holds a still-unexpired access token until it calls the API.
    expect(await onPhone.evaluate(() => document.body.dataset.state)).toBe('signed-in');
    const meStatuses: number[] = [];
    onPhone.on('response', (response) => {
      if (new URL(response.url()).pathname === '/auth/me') meStatuses.push(response.status());
    });
    await callMe(onPhone);
    await waitForState(onPhone, 'signed-out');
    expect(meStatuses[0]).toBe(401);
    await saveScreenshot(onPhone, '08-logged-out-everywhere');
  });
});
