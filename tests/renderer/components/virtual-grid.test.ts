// The real VirtualGrid in real Chromium over a synthetic million-item keyset-paged library.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../e2e/support/browser';
import { skipWithoutChromium } from '../../e2e/support/skip-without-chromium';
import { serveFolder, type StaticServer } from '../../e2e/support/static-server';
import { buildHarness } from './build-harness';

interface HarnessState {
  requests: { cursor: string | null; offset: number; limit: number }[];
  opened: string[];
  selected: string[];
  activeIndex: number;
  pagesInMemory: number;
}

let outDir = '';
let server: StaticServer;
let browser: Browser;

skipWithoutChromium();

beforeAll(async () => {
  if (!CHROMIUM_PATH) return;
  outDir = await buildHarness(resolve('tests/renderer/components/grid-harness'));
  server = await serveFolder(outDir);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function open(count: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/?count=${count}`);
  await page.waitForSelector('[role=gridcell][aria-busy=false]');
  return page;
}

const state = (page: Page) =>
  page.evaluate(
    () =>
      (window as unknown as { harness: HarnessState }).harness && {
        ...(window as unknown as { harness: HarnessState }).harness,
        selected: (window as unknown as { harness: HarnessState }).harness.selected,
        activeIndex: (window as unknown as { harness: HarnessState }).harness.activeIndex,
        pagesInMemory: (window as unknown as { harness: HarnessState }).harness.pagesInMemory,
      },
  );

describe('VirtualGrid in Chromium', () => {
  it('keeps the scroll area under the element height cap at 1,000,000 items and reaches the last one', async () => {
    const page = await open(1_000_000);
    const heights = await page.evaluate(() => {
      const grid = document.querySelector('[role=grid]') as HTMLElement;
      return { scrollHeight: grid.scrollHeight, rows: Number(grid.getAttribute('aria-rowcount')) };
    });
    expect(heights.rows).toBeGreaterThan(100_000);
    expect(heights.scrollHeight).toBeLessThanOrEqual(6_000_000);
    expect(heights.scrollHeight).toBeGreaterThan(1_000_000);

    // Only the rows on screen are in the DOM.
    const cells = await page.locator('[role=gridcell]').count();
    expect(cells).toBeLessThan(120);

    // End jumps to the last item, fetched by offset then shown.
    await page.locator('[role=grid]').focus();
    await page.keyboard.press('End');
    await page.waitForSelector('[data-index="999999"][aria-busy=false]');
    const lastTitle = await page.locator('[data-index="999999"] .prompt').textContent();
    expect(lastTitle).toContain('#999999');
    const bottom = await page.evaluate(() => {
      const grid = document.querySelector('[role=grid]') as HTMLElement;
      const cell = document.querySelector('[data-index="999999"]') as HTMLElement;
      const g = grid.getBoundingClientRect();
      const c = cell.getBoundingClientRect();
      return {
        cellBottom: c.bottom,
        gridBottom: g.bottom,
        atEnd: grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 2,
      };
    });
    expect(bottom.atEnd).toBe(true);
    expect(bottom.cellBottom).toBeLessThanOrEqual(bottom.gridBottom);
    expect(bottom.cellBottom).toBeGreaterThan(bottom.gridBottom - 400);
    const { requests } = await state(page);
    expect(requests.some((r) => r.cursor === null && r.offset > 990_000)).toBe(true);
    await page.close();
  });

  it('scrolls by wheel 1:1 in a scaled space and fetches the next pages by cursor', async () => {
    const page = await open(1_000_000);
    await page.mouse.move(600, 400);
    const before = Number(await page.locator('[role=grid]').getAttribute('data-virtual-top'));
    for (let i = 0; i < 30; i++) await page.mouse.wheel(0, 300);
    await page.waitForFunction(
      (b) => Number(document.querySelector('[role=grid]')?.getAttribute('data-virtual-top')) >= b + 9000 - 2,
      before,
    );
    const after = Number(await page.locator('[role=grid]').getAttribute('data-virtual-top'));
    expect(after - before).toBeGreaterThan(8990);
    expect(after - before).toBeLessThan(9010); // 1:1, not ratio× faster
    await page.waitForFunction(
      () => document.querySelectorAll('[role=gridcell][aria-busy=true]').length === 0,
    );
    const { requests } = await state(page);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.slice(1).every((r) => r.cursor !== null)).toBe(true);
    await page.close();
  });

  it('jumps with a scrollbar drag to the middle, loading only where it lands, with bounded memory', async () => {
    const page = await open(1_000_000);
    for (const fraction of [0.25, 0.5, 0.75, 0.5]) {
      const before = await page.locator('[role=grid]').getAttribute('data-virtual-top');
      await page.evaluate((f) => {
        const grid = document.querySelector('[role=grid]') as HTMLElement;
        grid.scrollTop = (grid.scrollHeight - grid.clientHeight) * f;
      }, fraction);
      // The scroll event comes a frame later: until the grid has moved, the cells on screen are
      // still the previous jump's (all loaded), which would satisfy the wait below too early.
      await page.waitForFunction((previous) => {
        const grid = document.querySelector('[role=grid]') as HTMLElement;
        if (grid.getAttribute('data-virtual-top') === previous) return false;
        const cells = [...document.querySelectorAll('[role=gridcell]')];
        return cells.length > 0 && cells.every((c) => c.getAttribute('aria-busy') === 'false');
      }, before);
    }
    const firstIndex = Number(await page.locator('[role=gridcell]').first().getAttribute('data-index'));
    expect(firstIndex).toBeGreaterThan(480_000);
    expect(firstIndex).toBeLessThan(520_000);
    const text = await page.locator(`[data-index="${firstIndex}"] .prompt`).textContent();
    expect(text).toContain(`#${firstIndex} `);
    const { requests, pagesInMemory } = await state(page);
    expect(requests.length).toBeLessThan(20);
    expect(pagesInMemory).toBeLessThanOrEqual(24);
    await page.close();
  });

  it('selects with click, ctrl-click, shift-click and the keyboard, and opens with Enter', async () => {
    const page = await open(1000);
    await page.locator('[data-index="0"]').click();
    await page.locator('[data-index="2"]').click({ modifiers: ['Control'] });
    expect((await state(page)).selected).toHaveLength(2);
    await page.locator('[data-index="5"]').click({ modifiers: ['Shift'] });
    expect((await state(page)).selected).toHaveLength(4); // 2..5 from the anchor at 2
    await page.locator('[data-index="1"]').click();
    expect((await state(page)).selected).toHaveLength(1);

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const s = await state(page);
    const columns = Number(await page.locator('[role=grid]').getAttribute('aria-colcount'));
    expect(s.activeIndex).toBe(2 + columns);
    expect(await page.locator('[role=grid]').getAttribute('aria-activedescendant')).toBe(
      `grid-cell-${2 + columns}`,
    );
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    expect((await state(page)).selected).toHaveLength(3);
    await page.keyboard.press('Escape');
    expect((await state(page)).selected).toHaveLength(0);
    await page.keyboard.press('Space');
    expect((await state(page)).selected).toHaveLength(1);
    await page.keyboard.press('Enter');
    expect((await state(page)).opened).toHaveLength(1);
    await page.keyboard.press('PageDown');
    expect((await state(page)).activeIndex).toBeGreaterThan(2 + columns * 3);
    await page.keyboard.press('Home');
    expect((await state(page)).activeIndex).toBe(0);
    await page.close();
  });
});
