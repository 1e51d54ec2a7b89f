import { startAppUnderTest } from '../tests/e2e/support/app-under-test';
import { launchChromium } from '../tests/e2e/support/browser';
import { seedTwoAccounts } from '../tests/e2e/support/seeded-accounts';
const app = await startAppUnderTest('demo', { progression: 'per-poll' });
const browser = await launchChromium();
try {
  await seedTwoAccounts(app);
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(app.url.replace(/#.*$/, '') + '#/tasks');
  await page.getByTestId('task-status').first().waitFor();
  await page.waitForTimeout(1000);
  console.log(await page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && b.right > innerWidth + 1; }).map((e) => e.outerHTML.slice(0, 200) + ' right=' + e.getBoundingClientRect().right)));
  await page.screenshot({ path: '/tmp/i17/ovf.png', fullPage: false });
} finally { await browser.close(); await app.close(); }
