// The demo page in a real browser: sign-in, the HttpOnly refresh cookie, reload, and two tabs refreshing at once.
import type { Request, Response } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { closeDevicesAfterEach, saveScreenshot } from './support/browser';
import { callMe, openDemo, statusText, submitSignIn, uniqueEmail, waitForState } from './support/demo-page';

const ACCESS_TOKEN_TTL_MS = 900_000;
const device = closeDevicesAfterEach();

function pathOf(request: Request): string {
  return new URL(request.url()).pathname;
}

describe('demo page in Chromium', () => {
  it('signs in through the form, and page script never sees the refresh token', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    await waitForState(page, 'signed-out');
    await saveScreenshot(page, '01-signed-out');

    const email = uniqueEmail('form');
    await submitSignIn(page, email, 'register');

    await expect.poll(() => page.locator('#user-email').innerText()).toBe(email);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('account-title');
    expect(await page.locator('#token-countdown').innerText()).toMatch(/^expires in 1[45]:\d\d$/);
    await saveScreenshot(page, '02-signed-in');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const [cookie] = await context.cookies(`${inject('baseUrl')}/auth/refresh`);
    expect(cookie).toMatchObject({ name: '__Host-edge_auth_refresh', httpOnly: true, secure: true, path: '/', sameSite: 'Strict' });
  });

  it('keeps the __Host- refresh cookie out of reach of page script, which can neither read nor replace it', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const email = uniqueEmail('host-cookie');
    await submitSignIn(page, email, 'register');
    await expect.poll(() => page.locator('#user-email').innerText()).toBe(email);
    const [before] = await context.cookies(`${inject('baseUrl')}/auth/refresh`);
    await page.evaluate(() => {
      document.cookie = '__Host-edge_auth_refresh=planted; Secure; Path=/';
      document.cookie = 'edge_auth_refresh=planted; Secure; Path=/auth';
    });
    expect(await page.evaluate(() => document.cookie)).not.toContain('__Host-edge_auth_refresh');
    const [after] = (await context.cookies(`${inject('baseUrl')}/auth/refresh`)).filter((cookie) => cookie.name === '__Host-edge_auth_refresh');
    expect(after?.value).toBe(before?.value);

    await page.reload();
    await waitForState(page, 'signed-in');
    await expect.poll(() => page.locator('#user-email').innerText()).toBe(email);
  });

  it('stays signed in across a reload, through a refresh, without showing the sign-in form', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    const email = uniqueEmail('reload');
    await submitSignIn(page, email, 'register');
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      new MutationObserver(() => {
        const state = document.body?.dataset.state;
        if (state && seen.at(-1) !== state) seen.push(state);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
    });
    const refreshes: Response[] = [];
    page.on('response', (response) => {
      if (pathOf(response.request()) === '/auth/refresh') refreshes.push(response);
    });

    await page.reload();
    await waitForState(page, 'signed-in');

    expect(await page.locator('#user-email').innerText()).toBe(email);
    expect(refreshes.map((response) => response.status())).toEqual([200]);
    const seen = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
    expect(seen).not.toContain('signed-out');
    expect(seen.at(-1)).toBe('signed-in');
    await saveScreenshot(page, '03-signed-in-after-reload');
  });

  it('refreshes two tabs whose access token expired at once, and both stay signed in', async () => {
    const { context } = await device();
    await context.clock.install();
    const first = await openDemo(context);
    const email = uniqueEmail('tabs');
    await submitSignIn(first, email, 'register');
    const second = await openDemo(context);
    await waitForState(second, 'signed-in');
    const refreshes: { status: number }[] = [];
    let refreshesInFlight = 0;
    let mostRefreshesInFlight = 0;
    context.on('request', (request) => {
      if (pathOf(request) !== '/auth/refresh') return;
      refreshesInFlight++;
      mostRefreshesInFlight = Math.max(mostRefreshesInFlight, refreshesInFlight);
    });
    context.on('requestfinished', (request) => {
      if (pathOf(request) !== '/auth/refresh') return;
      refreshesInFlight--;
      void request.response().then((response) => refreshes.push({ status: response?.status() ?? 0 }));
    });

    // Both tabs' clocks jump past the access token's life.
    await context.clock.fastForward(ACCESS_TOKEN_TTL_MS + 60_000);
    await expect.poll(() => first.locator('#token-countdown').innerText()).toMatch(/expired/);
    await Promise.all([callMe(first), callMe(second)]);

    for (const tab of [first, second]) {
      await waitForState(tab, 'signed-in');
      expect(await statusText(tab)).toContain(`recognises you as ${email}`);
      expect(await tab.locator('#token-countdown').innerText()).toMatch(/^expires in 1[45]:\d\d$/);
    }
    // The tabs took turns (Web Locks): never two refreshes of one cookie on the wire at once.
    expect(mostRefreshesInFlight).toBe(1);
    expect(refreshes.length).toBeGreaterThanOrEqual(1);
    expect(refreshes.map((refresh) => refresh.status)).toEqual(refreshes.map(() => 200));
    await saveScreenshot(first, '04-two-tabs-first');
    await saveScreenshot(second, '04-two-tabs-second');

    // No reuse detection fired: the session still refreshes after a reload.
    const refreshesBeforeReload = refreshes.length;
    await second.reload();
    await waitForState(second, 'signed-in');
    await expect.poll(() => refreshes.length).toBeGreaterThan(refreshesBeforeReload);
    expect(refreshes.at(-1)?.status).toBe(200);
  });

  it('logs out in one tab and signs the other tab of the browser out at once', async () => {
    const { context } = await device();
    const first = await openDemo(context);
    await submitSignIn(first, uniqueEmail('logout'), 'register');
    const second = await openDemo(context);
    await waitForState(second, 'signed-in');

    await first.getByRole('button', { name: 'Log out', exact: true }).click();

    await waitForState(first, 'signed-out');
    await waitForState(second, 'signed-out');
    expect(await statusText(first)).toBe('You are signed out.');
    expect(await context.cookies(`${inject('baseUrl')}/auth/refresh`)).toEqual([]);
    await saveScreenshot(second, '05-other-tab-after-logout');
  });

  it('shows a clear error for a wrong password and keeps focus in the form', async () => {
    const { context } = await device();
    const page = await openDemo(context);
    await page.getByLabel('Email', { exact: true }).fill(uniqueEmail('nobody'));
    await page.getByLabel('Password', { exact: true }).fill('not the right passphrase');
    await page.getByLabel('Password', { exact: true }).press('Enter');

    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/incorrect/i);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('signed-out');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await saveScreenshot(page, '01-wrong-password');
  });

  it('serves the page with security headers, and API paths still reach the worker', async () => {
    const base = inject('baseUrl');
    const page = await fetch(`${base}/`);
    const api = await fetch(`${base}/auth/me`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(api.status).toBe(401);
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(await api.json()).toMatchObject({ error: 'invalid_token' });
  });
});
