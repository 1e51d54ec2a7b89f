// Search as you type, in Chromium: every keystroke asks, and a query typed over is cancelled: its
// request in flight is aborted (the browser reports it so), and its answer never reaches the grid.
import { describe, expect, it } from 'vitest';
import type { Request, Route } from 'playwright-core';
import { skipWithoutChromium } from './support/skip-without-chromium';
import { STUDIO, useSeededApp, openAt } from './support/seeded-accounts';

skipWithoutChromium();
const seeded = useSeededApp();

describe('search as you type', () => {
  it('aborts the request of a query typed over, and shows only the latest query', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openAt(page, seeded.app, '#/gallery');
    await page.getByTestId('gallery-count').getByText(`6 works in ${STUDIO}`).waitFor();
    // Every list the grid shows, as it shows it.
    await page.evaluate(() => {
      const lists: string[] = [];
      (window as unknown as { shownLists: string[] }).shownLists = lists;
      new MutationObserver(() => {
        const list = document.querySelector<HTMLElement>('[role=grid]')?.dataset.list;
        if (list !== undefined && lists.at(-1) !== list) lists.push(list);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-list'] });
    });

    // The stale query's page is held (as a slow library would); every other one goes through.
    let held: Route | null = null;
    await page.route('**/api/library.gallery', async (route) => {
      const input = route.request().postDataJSON() as { text?: string };
      if (input.text === 'isometri') held = route;
      else await route.continue();
    });
    const failed: { text: string | undefined; error: string | undefined }[] = [];
    page.on('requestfailed', (request: Request) => {
      if (!request.url().endsWith('/api/library.gallery')) return;
      const input = request.postDataJSON() as { text?: string };
      failed.push({ text: input.text, error: request.failure()?.errorText });
    });

    const search = page.getByTestId('search');
    await search.fill('isometri');
    await expect.poll(() => held !== null).toBe(true);
    await search.fill('isometric');

    await page.getByTestId('gallery-count').getByText(`4 matches in ${STUDIO}`).waitFor();
    const first = page.locator('[role=gridcell][data-index="0"][aria-busy=false]');
    await expect.poll(async () => (await first.textContent())?.toLowerCase()).toContain('isometric');
    await expect.poll(() => failed).toEqual([{ text: 'isometri', error: 'net::ERR_ABORTED' }]);
    const lists = await page.evaluate(() => (window as unknown as { shownLists: string[] }).shownLists);
    const texts = lists.map((list) => (JSON.parse(list) as { text?: string }).text);
    expect(texts).toEqual(['isometric']);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();
  });
});
