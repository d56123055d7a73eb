// Driving the demo page the way a person does: through its labels and buttons.
import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { waitForMailedLink } from './mail-log';

export const PASSWORD = 'a perfectly fine passphrase';

/** The page's states, as `<body data-state>` names them. */
export type PageState = 'loading' | 'signed-in' | 'signed-out';

export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

/** Opens the demo in a new tab and waits until it knows whether someone is signed in. */
export async function openDemo(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${inject('baseUrl')}/`);
  await page.waitForSelector('body:not([data-state="loading"])');
  return page;
}

export async function waitForState(page: Page, state: PageState): Promise<void> {
  await page.waitForSelector(`body[data-state="${state}"]`);
}

/** Fills the form and presses "Create account" (register) or "Sign in". */
export async function submitSignIn(page: Page, email: string, intent: 'register' | 'login'): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: intent === 'register' ? 'Create account' : 'Sign in', exact: true }).click();
  await waitForState(page, 'signed-in');
}

/** The polite status line's text. */
export function statusText(page: Page): Promise<string> {
  return page.locator('#status').innerText();
}

/** Presses "Call /auth/me" and waits for the page to report the outcome. */
export async function callMe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const status = document.getElementById('status');
    if (status) status.textContent = '';
  });
  await page.getByRole('button', { name: 'Call /auth/me' }).click();
  await page.waitForFunction(() => (document.getElementById('status')?.textContent ?? '') !== '' || document.body.dataset.state === 'signed-out');
}

/** Proves the mailbox as a person does: opens the mailed verification link and presses its button (adding a factor needs it). */
export async function verifyAddress(context: BrowserContext, email: string): Promise<void> {
  const linkPage = await context.newPage();
  await linkPage.goto(await waitForMailedLink(email, '/verify-email'));
  await linkPage.getByRole('button', { name: 'Verify my address' }).click();
  await linkPage.waitForFunction((address) => (document.getElementById('status')?.textContent ?? '').includes(`${address} is verified`), email);
  await linkPage.close();
}

/**
 * Answers the "Confirm it is you" prompt with the password, or with both
 * fields empty (`''`: an account without a password that just signed in
 * with its provider).
 */
export async function confirmWithPassword(page: Page, password = PASSWORD): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
  await dialog.waitFor({ state: 'visible' });
  if (password !== '') await dialog.getByLabel('Your password').fill(password);
  await dialog.getByRole('button', { name: 'Confirm', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}
