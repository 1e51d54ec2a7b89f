// The renderer in real Chromium against the headless server and the simulator.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from './support/browser';
import { skipWithoutChromium } from './support/skip-without-chromium';
import { startAppUnderTest, type AppUnderTest } from './support/app-under-test';

const SHOTS = 'test-results/screenshots';
// The journey's own pictures, in test-results (the README's come from readme-screenshots.test.ts).
const SCREENSHOTS = `${SHOTS}/journey`;
const DEMO_TOKEN = 'user:6006-SimDemo2024kA';

let app: AppUnderTest;
let browser: Browser;

skipWithoutChromium();

beforeAll(async () => {
  if (!CHROMIUM_PATH) return;
  mkdirSync(SHOTS, { recursive: true });
  app = await startAppUnderTest('demo');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openApp(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, colorScheme: 'dark' });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(app.url);
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

describe('the app in a browser', () => {
  it('guides a newcomer from the empty library to an added account, keeping the view in the URL', async () => {
    const page = await openApp();
    await page.getByRole('heading', { name: 'Your archive is empty' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/empty-library.png` });

    await page.getByRole('button', { name: 'Add an account' }).click();
    expect(page.url()).toContain('#/settings');
    await page.getByTestId('token').fill(DEMO_TOKEN);
    await page.getByRole('button', { name: 'Find accounts' }).click();
    await page.getByText('studio@example.com').first().waitFor();
    await page.getByText('sketches@example.com').first().waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.locator('.sidebar .accounts li').nth(1).waitFor();
    await page.screenshot({ path: `${SHOTS}/settings.png` });
    // Another API host: the page says, before saving, that the tokens will not follow.
    const apiBase = page.getByLabel('API base');
    const saved = await apiBase.inputValue();
    await apiBase.fill('https://api.elsewhere.example/v1/kling');
    await page.getByTestId('api-host-change').getByText('enter each account').waitFor();
    await apiBase.fill(saved);
    expect(await page.getByTestId('api-host-change').count()).toBe(0);

    // Reload keeps the view; back returns to the gallery.
    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Your archive is empty' }).waitFor();

    // Keyboard: "/" focuses the search, typing keeps the query in the URL.
    await page.keyboard.press('/');
    await page.keyboard.type('lighthouse');
    await page.waitForFunction(() => location.hash.includes('q=lighthouse'));
    await page.getByRole('heading', { name: 'Nothing matches' }).waitFor();
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await page.close();
  });

  it('reads a pasted mix of ids and counts them before sending', async () => {
    const page = await openApp();
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page
      .getByTestId('task-ids')
      .fill('123456789\nsee 98765432101234 and 12x45678\n{"taskId": 9007199254740993}');
    await page.getByText('3 ids found').waitFor();
    // The mistyped one is named beside the field, with its reason, as you type.
    await page.getByTestId('task-id-refusals').getByText('12x45678: not a number').waitFor();
    await page.screenshot({ path: `${SHOTS}/tasks.png` });
    await page.close();
  });

  it('reports what a bulk paste added and why the rest was not', async () => {
    const page = await openApp();
    await page.getByRole('link', { name: 'Tasks' }).click();
    // Ids go to the account that owns them unless one is chosen.
    expect(await page.getByTestId('add-to').inputValue()).toBe('');
    expect(await page.getByTestId('add-to').locator('option:checked').textContent()).toBe('Find the owner');
    await page.getByTestId('task-ids').fill('7300000001');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('add-report').getByText('1 accepted').waitFor();

    // One new id, one already archived, a mistyped id, and words that are not ids.
    await page.getByTestId('task-ids').fill('7300000002 then 7300000001 and 12x45678 nonsense');
    // The mistyped id is refused beside the field as you type (once), and not sent.
    await page.getByTestId('task-id-refusals').getByText('12x45678: not a number').waitFor();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const report = page.getByTestId('add-report');
    await report.getByText('1 accepted').waitFor();
    await report.getByText('1 not added').waitFor();
    await report
      .getByText('already in the archive — already in the library, under studio@example.com')
      .waitFor();
    expect(await report.locator('li code').allTextContents()).toEqual(['7300000001']);
    expect(await page.getByText('12x45678: not a number').count()).toBe(1);
    await page.close();
  });

  it('shows a banner when useapi.net rejects an account token', async () => {
    // An account set up while its token worked; the token is revoked at useapi.net afterwards.
    app.simulator.addAccount('user:4242-RevokedToken99', 'revoked@example.com');
    const answer = await fetch(`${app.server.origin}/api/accounts.add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kling-archive-key': app.server.secret },
      body: JSON.stringify({
        email: 'revoked@example.com',
        credentials: { token: 'user:4242-RevokedToken99' },
        activate: false,
      }),
    });
    expect(answer.status).toBe(200);
    app.simulator.revokeToken('user:4242-RevokedToken99');
    const page = await openApp();
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page
      .locator('.history li')
      .filter({ hasText: 'revoked@example.com' })
      .getByRole('button', { name: 'Sync history' })
      .click();
    await page.getByText('useapi.net rejected the token for revoked@example.com.').waitFor();
    await page.screenshot({ path: `${SHOTS}/token-rejected.png` });
    const text = await page.content();
    expect(text).not.toContain('RevokedToken99');
    await page.close();
  });
});

describe('the journey of a user', () => {
  let journeyApp: AppUnderTest;
  beforeAll(async () => {
    if (!CHROMIUM_PATH) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Each poll moves a task on one step, so the live demo tasks finish within seconds.
    journeyApp = await startAppUnderTest('demo', { progression: 'per-poll' });
  }, 120_000);
  afterAll(async () => {
    await journeyApp?.close();
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, colorScheme: 'dark' });
    await page.goto(journeyApp.url);
    return page;
  }

  /** Opens the first work in the gallery and checks that its video plays. */
  async function playFirst(page: Page): Promise<void> {
    await page.getByRole('gridcell').first().dblclick();
    const video = page.getByTestId('viewer-video');
    await video.waitFor();
    await video.evaluate((element: HTMLVideoElement) => {
      element.muted = true;
      return element.play();
    });
    await page.waitForFunction(
      () => {
        const element = document.querySelector<HTMLVideoElement>('[data-testid="viewer-video"]');
        return element !== null && element.readyState >= 3 && element.currentTime > 0.3;
      },
      undefined,
      { timeout: 20_000 },
    );
  }

  /** Searches the prompts and waits for exactly one result. */
  async function searchOne(page: Page, words: string): Promise<void> {
    await page.getByTestId('search').fill(words);
    await page.waitForFunction((q) => location.hash.includes(`q=${q}`), words);
    await page.getByRole('heading', { name: 'Search' }).waitFor();
    await expect.poll(() => page.getByRole('gridcell').count(), { timeout: 15_000 }).toBe(1);
  }

  it('account → task ids → finished → gallery → play → search → favorite → switch → restart → offline', async () => {
    const page = await open();
    await page.getByRole('heading', { name: 'Your archive is empty' }).waitFor();
    await page.getByRole('button', { name: 'Add an account' }).click();
    await page.getByTestId('token').fill(DEMO_TOKEN);
    await page.getByRole('button', { name: 'Find accounts' }).click();
    await page.getByText('studio@example.com').first().waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.locator('.sidebar .accounts li').nth(1).waitFor();

    // Three of the studio account's tasks: two still generating, one finished earlier.
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByTestId('task-ids').fill('7300000004, 7300000005\n7300000003');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('add-report').getByText('3 accepted').waitFor();
    await page.getByTestId('task-status').filter({ hasText: 'Archived' }).nth(2).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/tasks.png` });

    await page.getByRole('link', { name: 'Gallery' }).click();
    // Each task has one or more works (images come in sets).
    await page
      .getByTestId('gallery-count')
      .getByText(/^[1-9]\d* works in studio@example\.com$/)
      .waitFor({ timeout: 20_000 });
    const works = (await page.getByTestId('gallery-count').textContent())?.trim() ?? '';
    expect(Number.parseInt(works, 10)).toBeGreaterThanOrEqual(3);
    await page.waitForTimeout(1_000); // covers fade in
    await page.screenshot({ path: `${SCREENSHOTS}/gallery.png` });

    // Search by a word of a prompt, open the work, play it, favorite it.
    await searchOne(page, 'koi');
    await playFirst(page);
    await page.screenshot({ path: `${SCREENSHOTS}/viewer.png` });
    await page.getByRole('button', { name: 'Favorite (F)' }).click();
    await page.waitForSelector('button[aria-label="Favorite (F)"][aria-pressed="true"]');
    await page.keyboard.press('Escape');

    // Switch to the other account: its (empty) library, then back.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Switch to' }).click();
    const activeInSidebar = page.locator('.sidebar .accounts button[title$="new task ids go here"]');
    await activeInSidebar.getByText('sketches@example.com').waitFor();
    await page.getByRole('button', { name: 'Switch to' }).click();
    await activeInSidebar.getByText('studio@example.com').waitFor();
    await page.close();

    // A restart keeps everything: works, the favorite, the active account.
    await journeyApp.restart();
    const afterRestart = await open();
    await afterRestart.getByTestId('gallery-count').getByText(works).waitFor();
    await searchOne(afterRestart, 'koi');
    await afterRestart.getByTitle('Favorite').first().waitFor();
    await afterRestart.close();

    // Offline: useapi.net (the simulator) is gone; browsing and playing still work.
    await journeyApp.stopSimulator();
    const offline = await open();
    await offline.getByTestId('gallery-count').getByText(works).waitFor();
    await searchOne(offline, 'koi');
    await playFirst(offline);
    await offline.close();
  }, 180_000);

  /** Presses Tab until focus lands on the element `matches` names; false when it never does. */
  async function tabTo(page: Page, matches: string, presses = 40): Promise<boolean> {
    for (let i = 0; i < presses; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((selector) => document.activeElement?.matches(selector) ?? false, matches))
        return true;
    }
    return false;
  }

  const focusInDialog = (page: Page) =>
    page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null);

  // Runs on what the journey archived (the simulator is stopped by then: offline).
  it('works from the keyboard alone: tab to the gallery, open, step, search, play, favorite, close', async () => {
    const page = await open();
    await page.getByTestId('gallery-count').waitFor();
    const grid = page.getByRole('grid');
    await page.locator('[role=gridcell][aria-busy=false]').first().waitFor();

    // Tab from the top of the page reaches the grid, whose active cell shows a focus ring.
    expect(await tabTo(page, '[role=grid]')).toBe(true);
    expect(await grid.getAttribute('aria-activedescendant')).toBe('gallery-cell-0');
    const ring = await page.locator('#gallery-cell-0').evaluate((cell) => getComputedStyle(cell).boxShadow);
    expect(ring).not.toBe('none');
    await page.keyboard.press('ArrowRight');
    expect(await grid.getAttribute('aria-activedescendant')).toBe('gallery-cell-1');
    await page.keyboard.press('ArrowLeft');

    // Enter opens the viewer with focus inside it; the arrows step to the next work and back.
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await focusInDialog(page)).toBe(true);
    const firstWork = await page.evaluate(() => location.hash);
    expect(firstWork).toContain('work=');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((hash) => location.hash !== hash, firstWork);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((hash) => location.hash === hash, firstWork);

    // Esc closes it and gives focus back to the grid, on the cell it was opened from.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'grid');
    expect(await grid.getAttribute('aria-activedescendant')).toBe('gallery-cell-0');

    // "/" searches; Tab leads from the search box to the results.
    await page.keyboard.press('/');
    await page.keyboard.type('koi');
    await page.waitForFunction(() => location.hash.includes('q=koi'));
    await expect.poll(() => page.getByRole('gridcell').count(), { timeout: 15_000 }).toBe(1);
    expect(await tabTo(page, '[role=grid]')).toBe(true);
    await page.keyboard.press('Enter');
    const video = page.getByTestId('viewer-video');
    await video.waitFor();
    await video.evaluate((element: HTMLVideoElement) => {
      element.muted = true;
    });
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="viewer-video"]') as HTMLVideoElement).readyState >= 3,
    );

    // Space pauses and plays; F toggles the favorite and back.
    const paused = () => video.evaluate((element: HTMLVideoElement) => element.paused);
    const wasPaused = await paused();
    await page.keyboard.press('Space');
    await expect.poll(paused).toBe(!wasPaused);
    await page.keyboard.press('Space');
    await expect.poll(paused).toBe(wasPaused);
    const favorite = page.getByRole('button', { name: 'Favorite (F)' });
    const before = await favorite.getAttribute('aria-pressed');
    // A favorite changes the library: the grid behind stays (its cells take the new answers in place).
    await page.evaluate(() =>
      document.querySelector('[role=grid]')?.setAttribute('data-before-favorite', ''),
    );
    await page.keyboard.press('f');
    await expect.poll(() => favorite.getAttribute('aria-pressed')).not.toBe(before);
    await page.keyboard.press('f');
    await expect.poll(() => favorite.getAttribute('aria-pressed')).toBe(before);

    // The viewer is modal: Tab cycles through its controls and never reaches the page behind it.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog(page)).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await focusInDialog(page)).toBe(true);
    // Chromium keeps every key inside the video's own controls, Esc included: step out of them first.
    expect(await tabTo(page, '[role=dialog] button')).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'grid');
    // The same grid as before the favorite, not one built anew, with the work loaded and the focus.
    expect(await page.locator('[role=grid][data-before-favorite]').count()).toBe(1);
    await expect.poll(() => page.locator('[role=gridcell][aria-busy=false]').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-before-favorite'))).toBe(
      true,
    );
    await page.close();
  }, 60_000);

  it('drags a work out to other apps where the host can (the desktop app), and not in a browser', async () => {
    const page = await open();
    await page.locator('[role=gridcell][aria-busy=false]').first().waitFor();
    expect(await page.locator('.tile[draggable=true]').count()).toBe(0);
    await page.close();

    // The desktop app's answer to app.info, and its drag call recorded: what the renderer sends.
    const desktop = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    const drags: unknown[] = [];
    await desktop.route('**/api/app.info', async (route) => {
      const answer = await route.fetch();
      const info = (await answer.json()) as { capabilities: Record<string, boolean> };
      await route.fulfill({
        response: answer,
        json: { ...info, mode: 'desktop', capabilities: { ...info.capabilities, dragOut: true } },
      });
    });
    await desktop.route('**/api/library.startDrag', async (route) => {
      drags.push(route.request().postDataJSON());
      await route.fulfill({ json: { ok: true } });
    });
    await desktop.goto(journeyApp.url);
    const tile = desktop.locator('[role=gridcell] .tile[draggable=true]').first();
    await tile.waitFor();
    await tile.dispatchEvent('dragstart');
    await expect.poll(() => drags.length).toBe(1);
    const { relativePath } = drags[0] as { relativePath: string };
    expect(relativePath).toMatch(/^[^/]+\/\d{4}-\d{2}\/\d+\/\d+\.(mp4|png|jpg)$/);
    await desktop.close();
  });
});
