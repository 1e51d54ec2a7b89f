// The renderer in real Chromium against the headless server and the simulator.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startAppUnderTest, type AppUnderTest } from './support/app-under-test';

const SHOTS = 'test-results/screenshots';
const DEMO_TOKEN = 'user:6006-SimDemo2024kA';

let app: AppUnderTest;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  app = await startAppUnderTest('demo');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openApp(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, colorScheme: 'dark' });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(app.url);
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

describe('the app in a browser', () => {
  it('guides a newcomer from the empty library to an added account, keeping the view in the URL', async () => {
    const page = await openApp();
    await page.getByRole('heading', { name: 'Your archive is empty' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/empty-library.png` });

    await page.getByRole('button', { name: 'Add an account' }).click();
    expect(page.url()).toContain('#/settings');
    await page.getByTestId('token').fill(DEMO_TOKEN);
    await page.getByRole('button', { name: 'Find accounts' }).click();
    await page.getByText('studio@example.com').first().waitFor();
    await page.getByText('sketches@example.com').first().waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.locator('.sidebar .accounts li').nth(1).waitFor();
    await page.screenshot({ path: `${SHOTS}/settings.png` });

    // Reload keeps the view; back returns to the gallery.
    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Your archive is empty' }).waitFor();

    // Keyboard: "/" focuses the search, typing keeps the query in the URL.
    await page.keyboard.press('/');
    await page.keyboard.type('lighthouse');
    await page.waitForFunction(() => location.hash.includes('q=lighthouse'));
    await page.getByRole('heading', { name: 'Nothing matches' }).waitFor();
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('reads a pasted mix of ids and counts them before sending', async () => {
    const page = await openApp();
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page
      .getByTestId('task-ids')
      .fill('123456789\nsee 98765432101234 and 12x45678\n{"taskId": 9007199254740993}');
    await page.getByText('4 ids found').waitFor();
    await page.screenshot({ path: `${SHOTS}/tasks.png` });
    await page.close();
  });

  // The whole journey of the issue needs the sync engine behind `serve` (tasks.add, progress events,
  // downloads). Until the headless server starts the engine, tasks.add answers "unavailable".
  it.skip('journey: account → task ids → finished → gallery → play → search → favorite → switch → restart → offline', () => {});
});
