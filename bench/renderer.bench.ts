// Renderer benchmarks in real Chromium, through the real app (headless server + built renderer) over a
// synthetic library of 100k and then 1,000,000 works: time to the first painted grid cells, the
// longest task while scrolling the gallery from top to bottom, the JS heap after that scroll, and
// search-as-you-type latency from the last keystroke to the updated grid (no debounce: every
// keystroke searches, stale queries are dropped).
// Prints figures, each beside its goal; asserts nothing.
// `npx tsx bench/renderer.bench.ts [--skip-1m] [--rebuild-libraries] [--renderer=DIR]`
// (needs Chromium: CHROMIUM_PATH, else one found by scripts/chromium.mjs; builds out/renderer when
// missing). The libraries are built once and kept in the temp folder (bench/support/prebuilt-library.ts);
// --renderer measures another build of the renderer (say, one from before a change, for a
// back-to-back comparison on the same machine).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { createHeadlessApi } from '../src/server/headless';
import { startServer } from '../src/server/http';
import { launchChromium } from '../tests/e2e/support/browser';
import { RENDERER_DIR, ensureRendererBuilt } from '../tests/e2e/support/app-under-test';
import { preparedLibrary } from './support/prebuilt-library';
import { PROBE, pageProbe, type BenchWindow } from './support/first-paint-probe';

const skip1m = process.argv.includes('--skip-1m');
const rebuildLibraries = process.argv.includes('--rebuild-libraries');
const rendererArg = process.argv.find((arg) => arg.startsWith('--renderer='))?.slice('--renderer='.length);
const SIZES = skip1m ? [100_000] : [100_000, 1_000_000];
const LOADS = 5;
const VIEWPORT = { width: 1280, height: 800 };
const WHEEL_MS = 3000;
const SCROLL_STEPS = 150;
/** How long the bottom rows may take to load after the last scroll step before we stop waiting. */
const BOTTOM_WAIT_MS = 30_000;
const SEARCH_WORDS = [
  'lighthouse',
  'dragon',
  'whale',
  'sailor',
  'caravan',
  'crystal',
  'watercolor',
  'astronaut',
  'dancers',
  'vaporwave',
  'mountain',
  'neon',
  'sunset',
  'rain',
  'floating',
  'cinematic',
  'pastel',
  'dramatic',
  'ghibli',
  'noir',
];
/** Between keystrokes: a quick typist. Every keystroke searches; the last one's grid is timed. */
const KEY_DELAY_MS = 80;
/** The goals for keystroke to grid, p95, by library size. */
const SEARCH_GOAL_P95_MS: Record<number, number> = { 100_000: 50, 1_000_000: 100 };
/** The goal for the first grid paint (median of fresh loads), by library size. */
const FIRST_PAINT_GOAL_MS: Record<number, number> = { 100_000: 500 };
/** No task while scrolling may be longer than this. */
const SCROLL_TASK_GOAL_MS = 50;

/** `<= goal met` / `<= goal NOT met`, or '' without a goal. */
function against(value: number, goal: number | undefined): string {
  if (goal === undefined) return '';
  return `<= ${goal} ${value <= goal ? 'met' : 'NOT met'}`;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** Nearest rank: the smallest value with at least p % of the values at or below it. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function openGallery(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  // tsx (esbuild, keepNames) wraps named functions in `__name(...)`; the functions handed to the page
  // are serialized with those calls in them, so the page gets a harmless `__name` of its own.
  await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  await page.addInitScript(pageProbe, PROBE);
  // The first painted cell, or the gallery's own error (then there is nothing to measure), heard on
  // the console. Not waitForFunction: it evaluates Playwright's injected script in the page (35-80 ms
  // on the main thread) as soon as goto returns, which is at the load event, while the app is still
  // building its first grid; traces showed it landing before the first paint.
  const outcome = page.waitForEvent('console', {
    predicate: (message) => message.text().startsWith(PROBE),
    timeout: 120_000,
  });
  await page.goto(url);
  const value = (await outcome).text().slice(PROBE.length);
  if (value !== 'painted') throw new Error(`the gallery did not load: ${value}`);
  return page;
}

async function usedHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize;
}

interface SizeFigures {
  works: number;
  firstPaint: number[];
  firstCell: number[];
  firstFrame: number[];
  loadLongest: number[];
  scroll: {
    longTasks: number;
    longest: number;
    total: number;
    stepsMs: number;
    bottomMs: number | null;
    /** library.gallery requests during the scroll, and the items they asked for */
    requests: number;
    itemsAsked: number;
    domNodes: number;
  };
  heapAfterPaint: number;
  heapAfterScroll: number;
  search: number[];
  searchMiss: number;
}

async function measureFirstPaint(browser: Browser, url: string, figures: SizeFigures): Promise<void> {
  for (let run = 0; run < LOADS; run += 1) {
    // A fresh context each time: no HTTP cache, no cookie, a new renderer process state.
    const context = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await openGallery(context, url);
      const result = await page.evaluate(() => {
        const bench = (window as unknown as BenchWindow).__bench;
        const before = bench.longTasks.filter((t) => t.start < (bench.firstPaint ?? 0));
        return {
          firstCell: bench.firstCell ?? NaN,
          firstFrame: bench.firstFrame ?? NaN,
          firstPaint: bench.firstPaint ?? NaN,
          longest: Math.max(0, ...before.map((t) => t.duration)),
        };
      });
      figures.firstCell.push(result.firstCell);
      figures.firstFrame.push(result.firstFrame);
      figures.firstPaint.push(result.firstPaint);
      figures.loadLongest.push(result.longest);
    } finally {
      await context.close();
    }
  }
}

async function measureScroll(browser: Browser, url: string, figures: SizeFigures): Promise<void> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await openGallery(context, url);
    await page.waitForTimeout(500);
    figures.heapAfterPaint = await usedHeap(page);
    const grid = page.locator('[role=grid]');
    const box = await grid.boundingBox();
    if (!box) throw new Error('no gallery grid on the page');
    const scrollStart = await page.evaluate(() => performance.now());
    const countRequest = (request: Request) => {
      if (!request.url().includes('/api/library.gallery')) return;
      figures.scroll.requests += 1;
      figures.scroll.itemsAsked += Number((request.postDataJSON() as { limit?: number }).limit ?? 0);
    };
    page.on('request', countRequest);

    // A few seconds of mouse wheel (the grid takes the wheel over when its scroll space is scaled).
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const wheelStart = Date.now();
    while (Date.now() - wheelStart < WHEEL_MS) await page.mouse.wheel(0, 400);

    // Then the whole range in jumps, two frames each: rows re-render, pages are fetched (by offset
    // when no cursor is known yet) and evicted.
    const stepsStart = Date.now();
    await page.evaluate(async (steps) => {
      const el = document.querySelector('[role=grid]') as HTMLElement;
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const max = el.scrollHeight - el.clientHeight;
      for (let step = 1; step <= steps; step += 1) {
        el.scrollTop = (max * step) / steps;
        await frame();
        await frame();
      }
    }, SCROLL_STEPS);
    const stepsMs = Date.now() - stepsStart;

    // At the bottom: how long until the last row is on screen and every cell shown holds its item
    // (watched in the page, so the wait adds no polling of its own to the main thread).
    const bottomMs = await page.evaluate(
      (timeoutMs) =>
        new Promise<number | null>((resolve) => {
          const grid = document.querySelector('[role=grid]') as HTMLElement;
          const start = performance.now();
          const loaded = () => {
            const cells = [...grid.querySelectorAll('[role=gridcell]')];
            const lastRow = grid.getAttribute('aria-rowcount');
            return (
              cells.length > 0 &&
              grid.querySelector(`[role=row][aria-rowindex="${lastRow}"]`) !== null &&
              cells.every((cell) => cell.getAttribute('aria-busy') === 'false')
            );
          };
          if (loaded()) return resolve(0);
          const observer = new MutationObserver(() => {
            if (!loaded()) return;
            observer.disconnect();
            clearTimeout(timer);
            resolve(performance.now() - start);
          });
          const timer = setTimeout(() => {
            observer.disconnect();
            resolve(null);
          }, timeoutMs);
          observer.observe(grid, {
            subtree: true,
            childList: true,
            attributes: true,
            attributeFilter: ['aria-busy'],
          });
        }),
      BOTTOM_WAIT_MS,
    );
    page.off('request', countRequest);

    const scroll = await page.evaluate((since) => {
      const bench = (window as unknown as BenchWindow).__bench;
      const tasks = bench.longTasks.filter((t) => t.start >= since);
      return {
        longTasks: tasks.length,
        longest: Math.max(0, ...tasks.map((t) => t.duration)),
        total: tasks.reduce((sum, t) => sum + t.duration, 0),
        domNodes: document.getElementsByTagName('*').length,
      };
    }, scrollStart);
    figures.scroll = {
      ...figures.scroll,
      longTasks: scroll.longTasks,
      longest: scroll.longest,
      total: scroll.total,
      stepsMs,
      bottomMs,
      domNodes: scroll.domNodes,
    };
    figures.heapAfterScroll = await usedHeap(page);
  } finally {
    await context.close();
  }
}

async function measureSearch(browser: Browser, url: string, figures: SizeFigures): Promise<void> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await openGallery(context, url);
    for (const word of SEARCH_WORDS) {
      // Armed before typing: the last letter's keydown starts the clock; it stops a frame after the
      // grid says it shows the word's list (data-list: the gallery's query) and its first cell holds
      // a work matching the word. The grid stays from one query to the next, its cells updated.
      const done = page.evaluate(
        (word) =>
          new Promise<number | null>((resolve) => {
            let start = 0;
            const timeout = setTimeout(() => resolve(null), 20_000);
            const matches = () => {
              if (new URLSearchParams(location.hash.split('?')[1] ?? '').get('q') !== word) return false;
              const grid = document.querySelector<HTMLElement>('[role=grid]:not([data-bench-stale])');
              if (!grid) return false;
              const list = grid.dataset.list;
              if (list !== undefined && (JSON.parse(list || '{}') as { text?: string }).text !== word)
                return false;
              const cell = grid.querySelector('[data-index="0"]');
              return (
                cell?.getAttribute('aria-busy') === 'false' &&
                (cell.textContent ?? '').toLowerCase().includes(word)
              );
            };
            const observer = new MutationObserver(() => {
              if (!start || !matches()) return;
              observer.disconnect();
              requestAnimationFrame(() => {
                const channel = new MessageChannel();
                channel.port1.onmessage = () => {
                  clearTimeout(timeout);
                  resolve(performance.now() - start);
                };
                channel.port2.postMessage(0);
              });
            });
            const onKey = (event: KeyboardEvent) => {
              const input = event.target as HTMLInputElement | null;
              if (event.key !== word.at(-1) || input?.value !== word.slice(0, -1)) return;
              window.removeEventListener('keydown', onKey, true);
              start = performance.now();
              // A build from before data-list built a new grid element for each query: the one on
              // screen now is the stale one.
              for (const grid of document.querySelectorAll('[role=grid]:not([data-list])'))
                grid.setAttribute('data-bench-stale', '');
              observer.observe(document, {
                subtree: true,
                childList: true,
                attributes: true,
                attributeFilter: ['aria-busy', 'data-list'],
              });
            };
            window.addEventListener('keydown', onKey, true);
          }),
        word,
      );
      // Out of the search box, then '/' focuses it with its text selected; typing replaces it.
      await page.evaluate(() => (document.querySelector('[role=grid]') as HTMLElement | null)?.focus());
      await page.keyboard.press('/');
      await page.keyboard.type(word, { delay: KEY_DELAY_MS });
      const latency = await done;
      if (latency === null) figures.searchMiss += 1;
      else figures.search.push(latency);
    }
  } finally {
    await context.close();
  }
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────────
if (rendererArg === undefined) ensureRendererBuilt();
const rendererSource = path.resolve(rendererArg ?? RENDERER_DIR);
if (!existsSync(path.join(rendererSource, 'index.html')))
  throw new Error(`${rendererSource} holds no built renderer (index.html)`);
const root = mkdtempSync(path.join(tmpdir(), 'kling-bench-renderer-'));
// A copy of the built renderer: a build during the run (another terminal) cannot change what is measured.
const rendererDir = path.join(root, 'renderer');
cpSync(rendererSource, rendererDir, { recursive: true });
const results: SizeFigures[] = [];
const serverErrors: string[] = [];
let browser: Browser | undefined;
try {
  browser = await launchChromium();
  console.log(
    `## renderer ${rendererArg ? rendererSource : 'out/renderer'} in Chromium ${browser.version()}, viewport ${VIEWPORT.width}x${VIEWPORT.height}; ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)} at start`,
  );
  for (const works of SIZES) {
    // Direct batched inserts into the index's own tables (triggers on), built once and kept; raw
    // responses are tiny since the gallery never reads them. This run works on a copy.
    const libraryFolder = path.join(root, `library-${works}`);
    const prepared = preparedLibrary(works, libraryFolder, rebuildLibraries);
    console.log(
      `library of ${works.toLocaleString('en')} works: ${prepared.built ? `built in ${fmt(prepared.buildMs / 1000, 1)} s and kept` : 'the kept one'}, copied in ${fmt(prepared.copyMs / 1000, 1)} s`,
    );

    const { api } = createHeadlessApi({
      configDir: path.join(root, `config-${works}`),
      libraryFolder,
      env: {},
      version: '0.0.0-bench',
      log: { info() {}, warn: (m) => serverErrors.push(m), error: (m) => serverErrors.push(m) },
    });
    const server = await startServer({ api, port: 0, rendererDir });
    const figures: SizeFigures = {
      works,
      firstPaint: [],
      firstCell: [],
      firstFrame: [],
      loadLongest: [],
      scroll: {
        longTasks: 0,
        longest: 0,
        total: 0,
        stepsMs: 0,
        bottomMs: null,
        requests: 0,
        itemsAsked: 0,
        domNodes: 0,
      },
      heapAfterPaint: 0,
      heapAfterScroll: 0,
      search: [],
      searchMiss: 0,
    };
    try {
      await measureFirstPaint(browser, server.url, figures);
      await measureScroll(browser, server.url, figures);
      await measureSearch(browser, server.url, figures);
    } finally {
      await server.close();
      await api.close();
      rmSync(libraryFolder, { recursive: true, force: true });
    }
    results.push(figures);
  }

  const label = (works: number) => (works >= 1_000_000 ? `${works / 1_000_000}M` : `${works / 1000}k`);
  console.log(
    `\n## time to first grid paint, ${LOADS} fresh page loads each: ms from navigation start to the first tile's own content (its caption, not a skeleton) on screen (Element Timing: the frame's presentation, raster included)`,
  );
  console.log(
    'works'.padEnd(8),
    'median'.padStart(8),
    'worst'.padStart(8),
    'first cell filled (median)'.padStart(27),
    'its frame produced (median)'.padStart(28),
    'longest task before it (worst)'.padStart(31),
    'goal (median)'.padStart(18),
  );
  for (const r of results) {
    const median = percentile(r.firstPaint, 50);
    console.log(
      label(r.works).padEnd(8),
      fmt(median).padStart(8),
      fmt(Math.max(...r.firstPaint)).padStart(8),
      fmt(percentile(r.firstCell, 50)).padStart(27),
      fmt(percentile(r.firstFrame, 50)).padStart(28),
      fmt(Math.max(...r.loadLongest)).padStart(31),
      (against(median, FIRST_PAINT_GOAL_MS[r.works]) || 'none at this size').padStart(18),
    );
  }

  console.log(
    `\n## scrolling the gallery top to bottom: ${WHEEL_MS / 1000} s of mouse wheel, then ${SCROLL_STEPS} scrollTop jumps of two frames each`,
  );
  console.log(
    'works'.padEnd(8),
    'long tasks'.padStart(11),
    'longest ms'.padStart(11),
    'total ms'.padStart(9),
    'jumps s'.padStart(8),
    'bottom loaded after'.padStart(20),
    'gallery requests (items)'.padStart(25),
    'DOM nodes'.padStart(10),
    'goal (longest)'.padStart(16),
  );
  for (const r of results) {
    const s = r.scroll;
    console.log(
      label(r.works).padEnd(8),
      String(s.longTasks).padStart(11),
      fmt(s.longest).padStart(11),
      fmt(s.total).padStart(9),
      fmt(s.stepsMs / 1000, 1).padStart(8),
      (s.bottomMs === null ? `> ${BOTTOM_WAIT_MS / 1000} s` : `${fmt(s.bottomMs)} ms`).padStart(20),
      `${s.requests} (${s.itemsAsked.toLocaleString('en')})`.padStart(25),
      String(s.domNodes).padStart(10),
      against(s.longest, SCROLL_TASK_GOAL_MS).padStart(16),
    );
  }

  console.log('\n## JS heap (used, after a forced GC): MB');
  console.log('works'.padEnd(8), 'after first paint'.padStart(18), 'after the scroll'.padStart(17));
  for (const r of results) {
    console.log(
      label(r.works).padEnd(8),
      mb(r.heapAfterPaint).padStart(18),
      mb(r.heapAfterScroll).padStart(17),
    );
  }
  const small = results.find((r) => r.works === 100_000);
  const big = results.find((r) => r.works === 1_000_000);
  if (small && big) {
    console.log(
      `1M / 100k after the scroll: ${(big.heapAfterScroll / small.heapAfterScroll).toFixed(2)}x (goal ~1x: flat, not growing with the library)`,
    );
  }

  console.log(
    `\n## search as you type, ${SEARCH_WORDS.length} words typed ${KEY_DELAY_MS} ms apart: ms from the last letter's keydown to the updated grid painted`,
  );
  console.log(
    'works'.padEnd(8),
    'p50'.padStart(8),
    'p95'.padStart(8),
    'worst'.padStart(8),
    'goal (p95)'.padStart(16),
  );
  for (const r of results) {
    const p95 = percentile(r.search, 95);
    console.log(
      label(r.works).padEnd(8),
      fmt(percentile(r.search, 50)).padStart(8),
      fmt(p95).padStart(8),
      fmt(Math.max(0, ...r.search)).padStart(8),
      against(p95, SEARCH_GOAL_P95_MS[r.works]).padStart(16),
      r.searchMiss ? ` (${r.searchMiss} searches never showed their results)` : '',
    );
  }
  if (serverErrors.length > 0) {
    console.log(`\nserver logged ${serverErrors.length} warnings/errors, first: ${serverErrors[0]}`);
  }
} finally {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
}
