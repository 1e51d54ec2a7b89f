import { startAppUnderTest } from '../tests/e2e/support/app-under-test';
import { launchChromium } from '../tests/e2e/support/browser';
import { seedTwoAccounts } from '../tests/e2e/support/seeded-accounts';
const app = await startAppUnderTest('demo', { progression: 'per-poll' });
const browser = await launchChromium();
try {
  await seedTwoAccounts(app);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  page.on('response', async (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url(), (await r.text()).slice(0, 300)); });
  await page.goto(app.url.replace(/#.*$/, '') + '#/gallery?account=all');
  await page.waitForTimeout(1500);
  console.log('count:', await page.getByTestId('gallery-count').textContent());
  await page.getByRole('button', { name: 'Filters' }).click();
  const type = page.getByRole('group', { name: 'Filters' }).locator('select').first();
  console.log(await type.locator('option').allTextContents());
  await type.selectOption('image');
  await page.waitForTimeout(1500);
  console.log('count:', await page.getByTestId('gallery-count').textContent());
  await page.goto(app.url.replace(/#.*$/, '') + '#/settings');
  await page.waitForTimeout(1500);
  const interval = page.getByLabel('Check a running task at most once every (seconds)');
  console.log('interval count', await interval.count());
} finally { await browser.close(); await app.close(); }
