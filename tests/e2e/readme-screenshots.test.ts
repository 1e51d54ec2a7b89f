// The README's pictures, taken in headless Chromium from the demo's two accounts: the gallery with
// every account, the viewer, tasks, settings, and a phone's width. Written to docs/screenshots with
// UPDATE_SCREENSHOTS=1; otherwise to test-results, so an ordinary run leaves the repository alone.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startAppUnderTest, type AppUnderTest } from './support/app-under-test';
import { seedTwoAccounts, openAt } from './support/seeded-accounts';

const OUT =
  process.env['UPDATE_SCREENSHOTS'] === '1' ? 'docs/screenshots' : 'test-results/screenshots/readme';

let app: AppUnderTest;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  app = await startAppUnderTest('demo', { progression: 'per-poll' });
  browser = await launchChromium();
  await seedTwoAccounts(app);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Waits until every cover on screen has loaded (and faded in), so the picture shows them. */
async function coversLoaded(page: Page): Promise<void> {
  await page.locator('[role=gridcell][aria-busy=false]').first().waitFor();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.tile img')].every((img) => (img as HTMLImageElement).complete),
  );
  await page.waitForTimeout(600);
}

describe('README screenshots', () => {
  it('gallery (all accounts), viewer, tasks and settings at 1400×900; the gallery at 390×844', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark' });
    await openAt(page, app, `#/gallery?account=all`);
    await page.getByTestId('gallery-count').getByText('7 works in all accounts').waitFor();
    await coversLoaded(page);
    await page.screenshot({ path: `${OUT}/gallery.png` });

    await page.locator('[role=gridcell][aria-busy=false]').nth(6).dblclick();
    await page.getByRole('dialog').waitFor();
    await page.getByTestId('viewer-arguments').waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${OUT}/viewer.png` });
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByTestId('task-status').first().waitFor();
    await page.screenshot({ path: `${OUT}/tasks.png` });

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await page.screenshot({ path: `${OUT}/settings.png` });
    await page.close();

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    await openAt(phone, app, `#/gallery?account=all`);
    await coversLoaded(phone);
    await phone.screenshot({ path: `${OUT}/phone.png` });
    await phone.getByTestId('menu').click();
    await phone.waitForTimeout(400);
    await phone.screenshot({ path: `${OUT}/phone-menu.png` });
    await phone.close();
  }, 90_000);
});
