// Headless Chromium from Debian (`apt-get install chromium`), driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterEach } from 'vitest';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = 'test-results/e2e';

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed: run `apt-get install -y chromium` (or set CHROMIUM_PATH)');
  }
}

/** One browser profile (a "device"): its own fresh user-data-dir, cookies and tabs. */
export interface Device {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile. */
export async function openDevice(options: { javaScriptEnabled?: boolean } = {}): Promise<Device> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'edge-auth-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 880, height: 820 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** For a test file: a function that opens a device; every device is closed after each test. */
export function closeDevicesAfterEach(): (options?: { javaScriptEnabled?: boolean }) => Promise<Device> {
  const devices: Device[] = [];
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((opened) => opened.close()));
  });
  return async (options = {}) => {
    const opened = await openDevice(options);
    devices.push(opened);
    return opened;
  };
}

/** Saves a full-page screenshot as test-results/e2e/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
