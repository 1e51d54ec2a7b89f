// Where the first load's time goes, at 100k works: for each fresh load, the moments the page reached
// (its own resources and API calls from Resource Timing, the app's performance marks, the first cell
// and its painted frame from the renderer bench's probe), side by side for one or more builds, loads
// interleaved so that a busy machine weighs on every build alike. With --cpu-profile, the first load
// of each build is also recorded as a CPU profile (open it in Chromium's DevTools, Performance tab).
// `npx tsx bench/first-load.profile.ts [--loads=N] [--works=N] [--cpu-profile=DIR] [DIR...]`
// (DIR: a built renderer; out/renderer when none is given).
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createHeadlessApi } from '../src/server/headless';
import { startServer } from '../src/server/http';
import { launchChromium } from '../tests/e2e/support/browser';
import { RENDERER_DIR } from '../tests/e2e/support/app-under-test';
import { preparedLibrary } from './support/prebuilt-library';
import { PROBE, pageProbe, type BenchWindow } from './support/first-paint-probe';

const option = (name: string) =>
  process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const LOADS = Number(option('loads') ?? 6);
const WORKS = Number(option('works') ?? 100_000);
const profileDir = option('cpu-profile');
const traceDir = option('trace');
const builds = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
if (builds.length === 0) builds.push(RENDERER_DIR);
const VIEWPORT = { width: 1280, height: 800 };

type Moments = Record<string, number>;
/** Each load's main-thread tasks over 50 ms before its first cell was painted: start+duration. */
const longTasks: string[][] = [];

/** One fresh load of `url`: every moment the page reached, in ms from navigation start. */
async function load(
  browser: Browser,
  url: string,
  profileTo: string | null,
  traceTo: string | null,
): Promise<Moments> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
    await page.addInitScript(pageProbe, PROBE);
    const cdp = profileTo ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    if (traceTo)
      await browser.startTracing(page, {
        path: traceTo,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'v8.execute',
          'blink.user_timing',
          'loading',
        ],
      });
    const outcome = page.waitForEvent('console', {
      predicate: (message) => message.text().startsWith(PROBE),
      timeout: 120_000,
    });
    await page.goto(url);
    const said = (await outcome).text().slice(PROBE.length);
    if (said !== 'painted') throw new Error(`the gallery did not load: ${said}`);
    if (traceTo) await browser.stopTracing();
    if (cdp && profileTo) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(profileTo, JSON.stringify(profile));
    }
    const tasks = await page.evaluate(() => {
      const bench = (window as unknown as BenchWindow).__bench;
      return bench.longTasks
        .filter((t) => t.start < (bench.firstPaint ?? 0))
        .map((t) => `${t.start.toFixed(0)}+${t.duration.toFixed(0)}`);
    });
    longTasks.push(tasks);
    return await page.evaluate(() => {
      const moments: Record<string, number> = {};
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      moments['html answered'] = nav.responseEnd;
      moments['DOM parsed'] = nav.domInteractive;
      for (const entry of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
        const name = new URL(entry.name).pathname.replace(/^\/(assets\/|api\/)?/, '');
        const label = name.replace(/-[\w-]{8}\.(js|css)$/, '.$1');
        if (moments[`${label} asked`] !== undefined) continue;
        moments[`${label} asked`] = entry.startTime;
        moments[`${label} answered`] = entry.responseEnd;
      }
      for (const mark of performance.getEntriesByType('mark'))
        moments[mark.name.replace(/^kling:/, '')] = mark.startTime;
      for (const paint of performance.getEntriesByType('paint')) moments[paint.name] = paint.startTime;
      const bench = (window as unknown as BenchWindow).__bench;
      moments['first cell filled'] = bench.firstCell ?? NaN;
      moments['first cell painted'] = bench.firstPaint ?? NaN;
      moments['its frame produced'] = bench.firstFrame ?? NaN;
      return moments;
    });
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

const root = mkdtempSync(path.join(tmpdir(), 'kling-first-load-'));
const rendererDirs = builds.map((build, i) => {
  if (!existsSync(path.join(build, 'index.html'))) throw new Error(`${build} holds no built renderer`);
  const copy = path.join(root, `renderer-${i}`);
  cpSync(build, copy, { recursive: true });
  return copy;
});
let browser: Browser | undefined;
const servers: { close(): Promise<void> }[] = [];
try {
  const libraryFolder = path.join(root, 'library');
  preparedLibrary(WORKS, libraryFolder);
  browser = await launchChromium();
  const urls: string[] = [];
  for (const [i, rendererDir] of rendererDirs.entries()) {
    const { api } = createHeadlessApi({
      configDir: path.join(root, `config-${i}`),
      libraryFolder,
      env: {},
      version: '0.0.0-bench',
      log: { info() {}, warn() {}, error() {} },
    });
    const server = await startServer({ api, port: 0, rendererDir });
    servers.push({ close: async () => (await server.close(), await api.close()) });
    urls.push(server.url);
  }
  // One load of each first, not counted: the library's pages and the browser warm up.
  for (const url of urls) await load(browser, url, null, null);
  const runs: Moments[][] = builds.map(() => []);
  for (let run = 0; run < LOADS; run += 1) {
    for (const [i, url] of urls.entries()) {
      const profileTo = profileDir && run === 0 ? path.join(profileDir, `first-load-${i}.cpuprofile`) : null;
      const traceTo = traceDir && run === 0 ? path.join(traceDir, `first-load-${i}.trace.json`) : null;
      runs[i]?.push(await load(browser, url, profileTo, traceTo));
    }
  }
  for (const [i, build] of builds.entries()) {
    const loads = runs[i] ?? [];
    const names = [...new Set(loads.flatMap((m) => Object.keys(m)))];
    const rows = names
      .map((name) => ({ name, values: loads.map((m) => m[name] ?? NaN) }))
      .sort((a, b) => median(a.values) - median(b.values));
    console.log(
      `\n## ${build}: ${WORKS.toLocaleString('en')} works, ${LOADS} loads, ms from navigation start`,
    );
    console.log('moment'.padEnd(34), 'median'.padStart(7), '  each load');
    for (const row of rows) {
      const each = row.values.map((v) => (Number.isNaN(v) ? '-' : v.toFixed(0)).padStart(5)).join(' ');
      console.log(row.name.padEnd(34), median(row.values).toFixed(0).padStart(7), ` ${each}`);
    }
    const tasks = longTasks.filter((_, load) => load >= builds.length && load % builds.length === i);
    console.log('tasks over 50 ms before the first cell was painted, start+duration:');
    for (const each of tasks) console.log(`  ${each.join('  ')}`);
  }
} finally {
  await browser?.close();
  for (const server of servers) await server.close();
  rmSync(root, { recursive: true, force: true });
}
