// Settings as a person meets them: edits kept across views, faults in words and once, and nothing
// shown that does not apply here (notifications in a browser).
import { describe, expect, it } from 'vitest';
import { useSeededApp, openAt } from './support/seeded-accounts';

const seeded = useSeededApp();

describe('Settings', () => {
  it('keeps unsaved edits across views and says a fault in words, once', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, `#/settings`);
    const interval = page.getByLabel('Check a running task at most once every (seconds)');
    await interval.waitFor();
    await interval.fill('42');
    await page.getByTestId('unsaved').waitFor();
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { name: 'Tasks', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByLabel('Check a running task at most once every (seconds)').inputValue()).toBe(
      '42',
    );
    await page.getByTestId('unsaved').waitFor();

    // An empty number: the fault in the form's own words, said once.
    await page.getByLabel('Check a running task at most once every (seconds)').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const alert = page.locator('form [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'Check a running task at most once every (seconds): enter a number.',
    );
    expect(await page.locator('.toast').count()).toBe(0);

    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByTestId('unsaved').waitFor({ state: 'detached' });
    // Notifications cannot reach a browser tab from here: the option is not offered.
    expect(await page.getByText('Notify me when a task finishes or fails').count()).toBe(0);
    await page.close();
  });
});
