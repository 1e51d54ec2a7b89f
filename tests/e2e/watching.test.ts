// Automatic archiving in a real browser: a generation made elsewhere (the simulator's arrivals) shows
// up in the gallery by itself, with no click and no reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { TOKENS } from '../../src/sim';
import { launchChromium } from './support/browser';
import { startAppUnderTest, type AppUnderTest } from './support/app-under-test';

let app: AppUnderTest;
let browser: Browser;

beforeAll(async () => {
  // The watcher looks every second here (the app's shortest setting is a minute).
  app = await startAppUnderTest(
    'empty',
    { arrivals: { everyMs: 0, mediaBytes: 40_000 } },
    { intervalMs: 1_000 },
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('automatic archiving', () => {
  it('a new work appears in the gallery by itself, and Settings says it arrived today', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Your archive is empty' }).waitFor();
    await page.getByRole('button', { name: 'Add an account' }).click();
    await page.getByTestId('token').fill(TOKENS.empty);
    await page.getByRole('button', { name: 'Find accounts' }).click();
    await page.getByText('empty@example.com').first().waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByText(/Checked .* · 0 new works today/).waitFor({ timeout: 20_000 });

    await page.getByRole('link', { name: 'Gallery' }).click();
    await page.getByRole('heading', { name: 'Your archive is empty' }).waitFor();
    // Someone generates on Kling's website meanwhile.
    app.simulator.addArrival('empty@example.com');
    await page
      .getByTestId('gallery-count')
      .getByText(/^1 work\b/)
      .waitFor({ timeout: 30_000 });
    await page.locator('[role=gridcell] .tile').first().waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText(/1 new work today/).waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
