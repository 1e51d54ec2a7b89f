// The viewer as a person uses it: keys keep working after the removal question, previous/next after
// a reload, a clear message with a way out for a file that cannot play, and a Download in a browser.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useSeededApp, openAt } from './support/seeded-accounts';

const seeded = useSeededApp();

const workInHash = (page: Page) =>
  page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('work'));

async function openSecond(page: Page): Promise<string> {
  await openAt(page, seeded.app, `#/gallery?account=all`);
  await page.locator('[role=gridcell][aria-busy=false]').nth(1).dblclick();
  await page.getByRole('dialog').waitFor();
  return (await workInHash(page)) ?? '';
}

describe('the viewer', () => {
  it('keeps its keys after "Remove…" and "Keep", and steps after a reload', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const second = await openSecond(page);
    await page.getByRole('button', { name: 'Remove…' }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep');
    await page.getByRole('button', { name: 'Keep' }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('dialog');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => workInHash(page)).not.toBe(second);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => workInHash(page)).toBe(second);

    // Reloaded with the viewer open: previous and next still work from where the work is.
    await page.reload();
    await page.getByRole('dialog').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Previous (←)' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Next (→)' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Next (→)' }).click();
    await expect.poll(() => workInHash(page)).not.toBe(second);
    await page.close();
  });

  it('offers the file as a download in a browser, under its archive name', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openSecond(page);
    const link = page.getByTestId('viewer-download');
    await link.waitFor();
    const name = await link.getAttribute('download');
    expect(name).toMatch(/^\d+\.(mp4|png|jpg)$/);
    expect(await page.getByRole('button', { name: 'Show in folder' }).count()).toBe(0);
    const href = (await link.getAttribute('href')) ?? '';
    // The file's own path (media URLs may carry a signature after it).
    expect(new URL(href, page.url()).pathname.endsWith(`/${name}`)).toBe(true);
    const status = await page.evaluate((url) => fetch(url).then((answer) => answer.status), href);
    expect(status).toBe(200);
    await page.close();
  });

  it('says so when a video cannot be played, with the way to get the file beside it', async () => {
    const page = await seeded.browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Every video answers bytes no player can read.
    await page.route(
      (url) => url.pathname.startsWith('/media/') && url.pathname.endsWith('.mp4'),
      (route) =>
        route.fulfill({ status: 200, contentType: 'video/mp4', body: Buffer.from('not a video at all') }),
    );
    await openAt(page, seeded.app, `#/gallery?account=all&type=video`);
    await page.locator('[role=gridcell][aria-busy=false]').first().dblclick();
    const message = page.getByTestId('viewer-unplayable');
    // Under a full parallel run Chromium's media pipeline can take well over 15 s to give up on the bytes.
    await message.waitFor({ timeout: 45_000 });
    expect(await message.textContent()).toContain('cannot be played here');
    await message.getByTestId('viewer-download').waitFor();
    expect(await page.getByTestId('viewer-video').isVisible()).toBe(false);
    await page.close();
  }, 60_000);
});
