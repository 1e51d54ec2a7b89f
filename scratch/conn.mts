import { startAppUnderTest } from '../tests/e2e/support/app-under-test';
import { launchChromium } from '../tests/e2e/support/browser';
import { seedTwoAccounts } from '../tests/e2e/support/seeded-accounts';
const app = await startAppUnderTest('demo', { progression: 'per-poll' });
const browser = await launchChromium();
try {
  await seedTwoAccounts(app);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto(app.url.replace(/#.*$/, '') + '#/gallery?account=all');
  await page.getByTestId('gallery-count').getByText('7 works in all accounts').waitFor();
  await page.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.getByTestId('search').fill('crane');
  const step = async (name: string) => { await page.waitForTimeout(1500); console.log(name, await page.locator('.banners').textContent(), '| count:', await page.getByTestId('gallery-count').textContent(), '| cells', await page.locator('[role=gridcell][aria-busy=false]').count(), '| toasts', await page.locator('.toast').count(), '| alerts', await page.locator('main [role=alert]').allTextContents()); };
  await step('after search');
  await page.getByRole('button', { name: 'Filters' }).click();
  await page.getByRole('group', { name: 'Filters' }).locator('select').first().selectOption('video');
  await step('after filter');
  await page.unroute('**/api/**');
  await page.getByRole('button', { name: 'Try again now' }).click();
  await step('after retry');
  await step('later');
  await page.screenshot({ path: '/tmp/i17/conn.png' });
} finally {
  await browser.close();
  await app.close();
}
