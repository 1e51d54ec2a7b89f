// The frame around the views, walked as a person would: search that answers each keystroke, one
// banner for a lost connection (the loaded tiles stay), the menu on a phone, the tab title, the icon.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { STUDIO, SKETCHES, useSeededApp, openAt } from './support/seeded-accounts';

const seeded = useSeededApp();

const loadedCells = (page: Page) => page.locator('[role=gridcell][aria-busy=false]');

describe('the frame', () => {
  it('searches on every keystroke, without Enter, and only the last query is shown', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, `#/gallery?account=all`);
    await page.getByTestId('gallery-count').getByText('7 works in all accounts').waitFor();
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/library.gallery'))
        asked.push((request.postDataJSON() as { text?: string }).text ?? '');
    });
    await page.getByTestId('search').focus();
    await page.keyboard.type('crane', { delay: 30 });
    await page.getByTestId('gallery-count').getByText('1 match in all accounts').waitFor();
    await expect.poll(() => loadedCells(page).count()).toBe(1);
    expect(await loadedCells(page).first().textContent()).toMatch(/crane/i);
    // Asked as typed, without Enter (a query typed over before its turn is never sent).
    expect(asked.at(-1)).toBe('crane');
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(await page.title()).toBe('Search “crane” · Kling Archive');
    await page.close();
  });

  it('says once that the connection is lost, keeps the tiles, and comes back by itself', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, `#/gallery?account=all`);
    await page.getByTestId('gallery-count').getByText('7 works in all accounts').waitFor();
    await expect.poll(() => loadedCells(page).count()).toBe(7);

    // The core cannot be reached: every call fails as a stopped server's would.
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.getByTestId('search').fill('crane');
    await page.getByText('Lost the connection to Kling Archive.').waitFor();
    await page.getByRole('button', { name: 'Filters' }).click();
    await page.getByRole('group', { name: 'Filters' }).locator('select').first().selectOption('video');
    // One banner, no toasts, and the tiles loaded before are still there.
    expect(await page.getByText('Lost the connection to Kling Archive.').count()).toBe(1);
    expect(await page.locator('.toast').count()).toBe(0);
    expect(await loadedCells(page).count()).toBe(7);
    expect(await page.locator('main [role=alert]').count()).toBe(0);

    // Back: the page asks again by itself (1, 2, 5, then every 10 s; "Try again now" asks at once).
    await page.unroute('**/api/**');
    await page.getByText('Lost the connection to Kling Archive.').waitFor({ state: 'detached' });
    await page.getByTestId('gallery-count').getByText('1 match in all accounts').waitFor();
    await expect.poll(() => loadedCells(page).count()).toBe(1);
    await page.close();
  }, 60_000);

  it('folds the sidebar into a menu on a phone (390×844) and keeps every view inside the screen', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
    await openAt(page, seeded.app, `#/gallery`);
    await page.getByTestId('gallery-count').getByText(`6 works in ${STUDIO}`).waitFor();
    // The sidebar is out of sight (and out of the tab order) until the menu opens it.
    const sidebar = page.locator('aside.sidebar');
    expect(await sidebar.isVisible()).toBe(false);
    const menu = page.getByTestId('menu');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    await menu.click();
    await expect.poll(() => sidebar.isVisible()).toBe(true);
    await page.locator('.sidebar button.account').filter({ hasText: SKETCHES }).click();
    await expect.poll(() => sidebar.isVisible()).toBe(false);
    await page.getByTestId('gallery-count').getByText(`1 work in ${SKETCHES}`).waitFor();

    for (const view of ['Tasks', 'Settings', 'Gallery']) {
      await menu.click();
      await page.getByRole('link', { name: view }).click();
      await page.getByRole('heading', { name: view, exact: true }).waitFor();
      await expect.poll(() => page.title()).toBe(`${view} · Kling Archive`);
      // Nothing sticks out sideways.
      const overflowing = await page.evaluate(
        () =>
          [...document.querySelectorAll('main *')].filter((element) => {
            const box = element.getBoundingClientRect();
            return box.width > 0 && box.right > window.innerWidth + 1;
          }).length,
      );
      expect(overflowing, view).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    }
    // Esc closes the menu and gives focus back to its button.
    await menu.click();
    await page.keyboard.press('Escape');
    await expect.poll(() => sidebar.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('menu');
    await page.close();
  });

  it('keeps the filter panel from hiding the grid at 800×600', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 800, height: 600 } });
    await openAt(page, seeded.app, `#/gallery?account=all`);
    await loadedCells(page).first().waitFor();
    await page.getByRole('button', { name: 'Filters' }).click();
    const grid = await page.getByRole('grid').boundingBox();
    const cell = await loadedCells(page).first().boundingBox();
    expect(grid && cell && grid.height).toBeGreaterThanOrEqual(cell?.height ?? Infinity);
    await page.close();
  });

  it('has an icon (no 404 on load), a visible focus ring on the current view, and a title', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url());
    });
    await openAt(page, seeded.app, `#/gallery`);
    await loadedCells(page).first().waitFor();
    const icon = await page.evaluate(
      () => (document.querySelector('link[rel=icon]') as HTMLLinkElement).href,
    );
    expect(await page.evaluate((url) => fetch(url).then((answer) => answer.status), icon)).toBe(200);
    expect(missing).toEqual([]);
    expect(await page.title()).toBe('Gallery · Kling Archive');

    const current = page.locator('.nav-item[aria-current=page]');
    await current.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await current.evaluate((element) => {
      const style = getComputedStyle(element);
      return { style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(outline.style).toBe('solid');
    expect(outline.width).toBe('2px');
    await page.close();
  });
});
