// All accounts or one: the sidebar switches the gallery, tiles carry their account's badge, every
// count says what it counts and agrees with the grid, and a search says where else it has hits.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SKETCHES, STUDIO, useSeededApp, openAt } from './support/seeded-accounts';

const seeded = useSeededApp();

async function open(hash = ''): Promise<Page> {
  const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await openAt(page, seeded.app, hash || '#/gallery');
  return page;
}

const cells = (page: Page) => page.locator('[role=gridcell][aria-busy=false]');
const sidebarAccount = (page: Page, name: string) =>
  page.locator('.sidebar button.account').filter({ hasText: name });

describe('the gallery across accounts', () => {
  it('shows the active account, then every account from the sidebar, counts agreeing with the grid', async () => {
    const page = await open();
    const count = page.getByTestId('gallery-count');
    await count.getByText(`6 works in ${STUDIO}`).waitFor();
    await expect.poll(() => cells(page).count()).toBe(6);
    // The active account's entry is the current one, with the same count.
    expect(await sidebarAccount(page, STUDIO).getAttribute('aria-current')).toBe('true');
    expect(await sidebarAccount(page, STUDIO).locator('.n').textContent()).toBe('6');
    expect(await sidebarAccount(page, SKETCHES).locator('.n').textContent()).toBe('1');
    // One account shown: no badges on the tiles.
    expect(await page.locator('.badge.account:not([hidden])').count()).toBe(0);

    await page.getByTestId('account-all').click();
    await count.getByText('7 works in all accounts').waitFor();
    await expect.poll(() => cells(page).count()).toBe(7);
    expect(page.url()).toContain('account=all');
    expect(await page.getByTestId('account-all').getAttribute('aria-current')).toBe('true');
    // Each tile names its account: two letters and a colour, distinct for studio@ and sketches@.
    const badges = page.locator('.badge.account:not([hidden])');
    await expect.poll(() => badges.count()).toBe(7);
    const initials = new Set(await badges.allTextContents());
    expect(initials).toEqual(new Set(['ST', 'SK']));
    const colors = await badges.evaluateAll((nodes) => [
      ...new Set(nodes.map((n) => getComputedStyle(n).backgroundColor)),
    ]);
    expect(colors).toHaveLength(2);
    await page.getByRole('img', { name: `Account ${SKETCHES}` }).waitFor();

    await sidebarAccount(page, SKETCHES).click();
    await count.getByText(`1 work in ${SKETCHES}`).waitFor();
    await expect.poll(() => cells(page).count()).toBe(1);
    await page.close();
  });

  it('says where else a search has hits, and shows them with one click', async () => {
    const page = await open();
    await page.getByTestId('gallery-count').getByText(`6 works in ${STUDIO}`).waitFor();
    await page.getByTestId('search').fill('origami');
    await page.getByRole('heading', { name: 'Nothing matches' }).waitFor();
    await page.getByText(`No prompt contains “origami” in ${STUDIO}.`).waitFor();
    await page.getByRole('button', { name: `1 in ${SKETCHES}` }).click();
    await page.getByTestId('gallery-count').getByText(`1 match in ${SKETCHES}`).waitFor();
    await expect.poll(() => cells(page).count()).toBe(1);
    expect(await cells(page).first().textContent()).toContain('origami');

    // Hits in both: the heading counts the shown account and names the other.
    await page.getByTestId('search').fill('isometric');
    await sidebarAccount(page, STUDIO).click();
    await page.getByTestId('gallery-count').getByText(`4 matches in ${STUDIO}`).waitFor();
    expect(await page.getByTestId('more-in').count()).toBe(0);
    // "a" is in every prompt of both accounts (as a word, or the start of one).
    await page.getByTestId('search').fill('a');
    await page.getByTestId('gallery-count').getByText(`6 matches in ${STUDIO}`).waitFor();
    await page.getByTestId('more-in').getByText(`1 more in ${SKETCHES}`).waitFor();
    expect(await sidebarAccount(page, SKETCHES).locator('.n').textContent()).toBe('1');
    expect(await page.getByTestId('account-all').locator('.n').textContent()).toBe('7');
    await page.close();
  });

  it('gives the filter menu counts only where they count what a choice would show', async () => {
    const page = await open('#/gallery?account=all');
    await page.getByTestId('gallery-count').getByText('7 works in all accounts').waitFor();
    await page.getByRole('button', { name: 'Filters' }).click();
    const type = page.getByRole('group', { name: 'Filters' }).locator('select').first();
    // Every account, nothing else chosen: the library's counts are exactly what each choice shows.
    expect(await type.locator('option').allTextContents()).toContain('image (4)');
    await type.selectOption('image');
    await page.getByTestId('gallery-count').getByText('4 matches in all accounts').waitFor();
    await expect.poll(() => cells(page).count()).toBe(4);
    // One account shown: the library's counts would not be what a choice shows, so none is given.
    await sidebarAccount(page, SKETCHES).click();
    await page.getByTestId('gallery-count').getByText(`0 matches in ${SKETCHES}`).waitFor();
    expect((await type.locator('option').allTextContents()).some((text) => /\(\d+\)/.test(text))).toBe(false);
    await page.close();
  });
});
