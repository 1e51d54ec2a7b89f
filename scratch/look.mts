import { startAppUnderTest } from '../tests/e2e/support/app-under-test';
import { launchChromium } from '../tests/e2e/support/browser';
import { call, seedTwoAccounts } from '../tests/e2e/support/seeded-accounts';
const app = await startAppUnderTest('demo', { progression: 'per-poll' });
const browser = await launchChromium();
try {
  await seedTwoAccounts(app);
  console.log(JSON.stringify(await call(app, 'library.counts', {})));
  for (const [w, h, scheme] of [[1400, 900, 'light'], [390, 844, 'dark']] as const) {
    const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: scheme });
    page.on('console', (m) => { if (m.type() === 'error') console.log('console:', m.text()); });
    page.on('pageerror', (e) => console.log('pageerror:', e.message));
    await page.goto(app.url);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `/tmp/i17/look-${w}-a.png` });
    const all = page.getByTestId('account-all');
    if (await all.isVisible()) { await all.click(); await page.waitForTimeout(1000); }
    await page.screenshot({ path: `/tmp/i17/look-${w}-b.png` });
    await page.getByTestId('search').fill('origami');
    await page.waitForTimeout(200);
    await page.locator('.sidebar button.account').nth(1).click().catch(() => {});
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `/tmp/i17/look-${w}-c.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await app.close();
}
