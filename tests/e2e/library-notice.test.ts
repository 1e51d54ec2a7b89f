// A damaged index healed when `serve` starts is told to the person in the page, not only in a log:
// one banner with the heal's own line, until dismissed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { main, serve } from '../../src/server/cli';
import { startSimulator, TOKENS, type RunningSimulator } from '../../src/sim';
import { overwriteIndexPages } from '../core/library/corrupt-pages';
import { launchChromium } from './support/browser';
import { ensureRendererBuilt } from './support/app-under-test';

let sim: RunningSimulator;
let dir: string;
let browser: Browser;

beforeAll(async () => {
  ensureRendererBuilt();
  sim = await startSimulator({ scenario: 'basic' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-e2e-notice-'));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a library healed at start', () => {
  it('shows the heal in one banner, which Dismiss takes away', async () => {
    const library = path.join(dir, 'library');
    const flags = ['--library', library, '--api-base', sim.baseUrl, '--token', TOKENS.basic];
    const id = sim.addTask({ initialState: 'final', mediaBytes: 20_000 });
    const quiet = { out: () => {}, err: () => {} };
    expect(await main(['sync', ...flags, id], quiet)).toBe(0);
    overwriteIndexPages(library, ['works', 'files']);

    const handle = await serve([...flags, '--config', path.join(dir, 'config')], quiet, {});
    if (typeof handle === 'number') throw new Error(`serve exited ${handle}`);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(handle.server.url);
      const banner = page.locator('[role=status]', { hasText: "The library's index was repaired." });
      await banner.waitFor();
      expect(await banner.textContent()).toMatch(/rebuilt from the folder/);
      expect(await banner.count()).toBe(1);
      await banner.getByRole('button', { name: 'Dismiss' }).click();
      await banner.waitFor({ state: 'detached' });
      await page.close();
    } finally {
      await handle.close();
    }
  });
});
