import { startAppUnderTest } from '../tests/e2e/support/app-under-test';
import { launchChromium } from '../tests/e2e/support/browser';
import { seedTwoAccounts } from '../tests/e2e/support/seeded-accounts';
const app = await startAppUnderTest('demo', { progression: 'per-poll' });
const browser = await launchChromium();
const sizes = (process.env.SIZES ?? '390x844,800x600').split(',').map((s) => s.split('x').map(Number));
try {
  await seedTwoAccounts(app);
  for (const [w, h] of sizes) {
    const page = await browser.newPage({ viewport: { width: w!, height: h! }, colorScheme: 'light' });
    page.on('pageerror', (e) => console.log('pageerror:', e.message));
    for (const hash of ['#/gallery?account=all', '#/tasks', '#/settings']) {
      await page.goto(app.url.replace(/#.*$/, '') + hash);
      await page.waitForTimeout(1200);
      const name = hash.replace(/[^a-z]/g, '');
      await page.screenshot({ path: `/tmp/i17/r-${w}-${name}.png` });
      const sw = await page.evaluate(() => [document.documentElement.scrollWidth, [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 1).length]);
      console.log(w, hash, 'overflowing elements', sw);
    }
    await page.goto(app.url.replace(/#.*$/, '') + '#/gallery?account=all');
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `/tmp/i17/r-${w}-filters.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await app.close();
}
