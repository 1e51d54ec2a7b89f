// The watcher end to end: the simulator over real HTTP, a real library (SQLite + files) in a temp
// folder, the real sync engine; only the watcher's clock is manual, so "one interval later" is exact.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, WatchStateStore, type Library } from '../../../src/core/library';
import {
  SyncEngine,
  Watcher,
  watchEngineOf,
  type CheckOutcome,
  type EngineAccountConfig,
  type SyncEngineOptions,
} from '../../../src/core/sync';
import { startSimulator, TOKENS, type RunningSimulator, type ScenarioName } from '../../../src/sim';
import { testEngineOptions } from './engine-options';
import { ManualTimers } from './manual-timers';

const INTERVAL = 5 * 60_000;
const EMPTY = 'empty@example.com';
const EMPTY_ACCOUNT: EngineAccountConfig = { accountId: 'e', email: EMPTY, token: TOKENS.empty };

let sim: RunningSimulator;
let dir: string;
let library: Library;
let running: Array<{ engine: SyncEngine; watcher: Watcher }>;

async function startSim(scenario: ScenarioName): Promise<void> {
  sim = await startSimulator({ scenario, arrivals: { everyMs: 0, mediaBytes: 20_000 } });
}

interface Started {
  engine: SyncEngine;
  watcher: Watcher;
  timers: ManualTimers;
  store: WatchStateStore;
}

function startWatching(
  accounts: EngineAccountConfig[],
  options: { pageSize?: number; engine?: Partial<SyncEngineOptions> } = {},
): Started {
  const timers = new ManualTimers();
  const engine = new SyncEngine(testEngineOptions(sim, library, { accounts, ...options.engine }));
  const store = new WatchStateStore(library.db);
  const watcher = new Watcher({
    engine: watchEngineOf(engine),
    store,
    accounts: accounts.map((a) => ({ accountId: a.accountId, email: a.email, watch: true })),
    intervalMs: INTERVAL,
    catchUpDays: 30,
    timers,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  });
  engine.start();
  watcher.start();
  running.push({ engine, watcher });
  return { engine, watcher, timers, store };
}

/** Resolves with the next `count` finished checks. */
function checks(watcher: Watcher, count: number): Promise<CheckOutcome[]> {
  return new Promise((resolve) => {
    const seen: CheckOutcome[] = [];
    const stop = watcher.subscribe((event) => {
      if (event.name !== 'watch.checked') return;
      seen.push(event.payload);
      if (seen.length === count) {
        stop();
        resolve(seen);
      }
    });
  });
}

const listings = () => sim.requests().filter((r) => r.path === '/v1/kling/tasks');
const apiRequests = () => sim.requests().filter((r) => r.path.startsWith('/v1/kling/'));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ka-watch-'));
  library = openLibrary(dir);
  running = [];
});

afterEach(async () => {
  for (const { engine, watcher } of running) {
    await watcher.stop();
    await engine.stop();
  }
  library.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Watcher', () => {
  it('archives tasks created after the start within one interval, with no user action', async () => {
    await startSim('empty');
    const { engine, watcher, timers } = startWatching([EMPTY_ACCOUNT]);
    const first = checks(watcher, 1);
    timers.advance(0); // the check on start
    expect((await first)[0]).toMatchObject({ newTaskIds: [], pages: 1, error: null });

    const ids = Array.from({ length: 5 }, () => sim.addArrival(EMPTY));
    expect(timers.nextAt()).toBe(timers.now() + INTERVAL);
    const next = checks(watcher, 1);
    timers.advance(INTERVAL);
    const [outcome] = await next;
    expect(outcome?.error).toBeNull();
    expect([...(outcome?.newTaskIds ?? [])].sort()).toEqual([...ids].sort());

    await engine.waitForTasks(ids);
    const reports = ids.map((id) => engine.taskReport(id));
    // The cycle: finished video, running video, finished images, failed video, queued video.
    expect(reports.map((r) => r.phase)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'failed',
      'succeeded',
    ]);
    for (const report of reports.filter((r) => r.phase === 'succeeded')) {
      expect(report.problems).toEqual([]);
      for (const file of report.works.flatMap((w) => w.files)) {
        expect(sha(path.join(dir, file.path))).toBe(file.sha256);
      }
    }
    expect(watcher.status()[0]).toMatchObject({ email: EMPTY, arrivedToday: 5, lastError: null });
  });

  it('costs one request per account when nothing is new', async () => {
    await startSim('multi');
    const accounts: EngineAccountConfig[] = [
      { accountId: 'a', email: 'alice@example.com', token: TOKENS.multiA },
      { accountId: 'b', email: 'bob@example.com', token: TOKENS.multiA },
      { accountId: 'c', email: 'carol@example.com', token: TOKENS.multiB },
    ];
    const { engine, watcher, timers } = startWatching(accounts);
    const first = checks(watcher, 3);
    timers.advance(0);
    const caught = await first;
    expect(caught.every((outcome) => outcome.error === null && outcome.newTaskIds.length > 0)).toBe(true);
    await engine.waitForTasks(caught.flatMap((outcome) => outcome.seenTaskIds));

    sim.clearRequests();
    const quiet = checks(watcher, 3);
    timers.advance(INTERVAL);
    const outcomes = await quiet;
    expect(outcomes.map((o) => [o.email, o.pages, o.newTaskIds.length]).sort()).toEqual([
      ['alice@example.com', 1, 0],
      ['bob@example.com', 1, 0],
      ['carol@example.com', 1, 0],
    ]);
    // Exactly one request per account, the newest page, and nothing else.
    expect(
      apiRequests()
        .map((r) => `${r.path}?email=${r.query.email ?? ''}`)
        .sort(),
    ).toEqual([
      '/v1/kling/tasks?email=alice@example.com',
      '/v1/kling/tasks?email=bob@example.com',
      '/v1/kling/tasks?email=carol@example.com',
    ]);
    expect(apiRequests().every((r) => r.query.createdBefore === undefined)).toBe(true);
  });

  it('resumes a stopped catch-up where it stopped, after restarting, and downloads nothing twice', async () => {
    await startSim('empty');
    const ids = Array.from({ length: 6 }, () => sim.addArrival(EMPTY));
    const first = startWatching([EMPTY_ACCOUNT], { pageSize: 2 });
    // The app closes while the catch-up walk is on its first page.
    let added = 0;
    let stopping: Promise<unknown> | null = null;
    first.engine.events.subscribe((event) => {
      if (event.name === 'task.changed' && event.payload.added && ++added === 2 && !stopping) {
        stopping = Promise.all([first.watcher.stop(), first.engine.stop()]);
      }
    });
    const interrupted = checks(first.watcher, 1);
    first.timers.advance(0);
    expect((await interrupted)[0]?.error).not.toBeNull();
    await stopping;
    const cursor = first.store.get(EMPTY).resumeBefore;
    expect(cursor).not.toBeNull();
    expect(ids.filter((id) => library.task(id)).length).toBe(2);

    sim.clearRequests();
    const second = startWatching([EMPTY_ACCOUNT], { pageSize: 2 });
    const resumed = checks(second.watcher, 1);
    second.timers.advance(0);
    const [outcome] = await resumed;
    expect(outcome?.error).toBeNull();
    // The head of the list is known ground (one request), then the walk goes on from its cursor.
    const asked = listings().map((r) => r.query.createdBefore ?? null);
    expect(asked[0]).toBeNull();
    expect(asked[1]).toBe(String(cursor));
    expect([...(outcome?.newTaskIds ?? [])].sort()).toEqual([...ids.slice(0, 4)].sort());
    expect(second.store.get(EMPTY).resumeBefore).toBeNull();

    await second.engine.waitForTasks(ids);
    expect(ids.every((id) => second.engine.taskReport(id).final)).toBe(true);
    // Every media file was fetched whole once at most (a resumed .part asks for the rest only).
    const whole = sim
      .requests()
      .filter((r) => r.path.startsWith('/media/') && r.method === 'GET' && r.range === null);
    const paths = whole.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('keeps each account within its request budget under watching, polling and downloads', async () => {
    await startSim('empty');
    const rate = 5;
    const ids = Array.from({ length: 15 }, () => sim.addArrival(EMPTY));
    const { engine, watcher, timers } = startWatching([EMPTY_ACCOUNT], {
      pageSize: 2,
      engine: { requestsPerSecond: rate, watermarkFree: true },
    });
    const done = checks(watcher, 1);
    timers.advance(0);
    await done;
    // More checks while the polls and the watermark-free asks are under way.
    for (let i = 0; i < 3; i += 1) {
      const again = checks(watcher, 1);
      timers.advance(INTERVAL);
      await again;
    }
    await engine.waitForTasks(ids);
    const times = apiRequests()
      .map((r) => r.at)
      .sort((a, b) => a - b);
    const kinds = new Set(apiRequests().map((r) => r.path.replace(/\d+$/, 'ID')));
    expect(kinds).toEqual(new Set(['/v1/kling/tasks', '/v1/kling/tasks/ID', '/v1/kling/assets/download']));
    expect(times.length).toBeGreaterThan(20);
    // A token bucket of `rate` per second and a burst of 1: any second holds at most 1 + rate requests
    // (one more allowed for the gap between the client's clock and the server's arrival times).
    let worst = 0;
    for (let i = 0; i < times.length; i += 1) {
      let j = i;
      while (j < times.length && (times[j] as number) < (times[i] as number) + 1000) j += 1;
      worst = Math.max(worst, j - i);
    }
    expect(worst).toBeLessThanOrEqual(rate + 2);
  });

  it('catches up at most catchUpDays back, and after a failed check tries again within a minute', async () => {
    await startSim('empty');
    const day = 86_400_000;
    const old = sim.addTask({ initialState: 'final', mediaBytes: 5_000, createTime: Date.now() - 40 * day });
    const recent = sim.addTask({ initialState: 'final', mediaBytes: 5_000, createTime: Date.now() - day });
    // The network is down for the first check.
    sim.injectFault({ path: '/v1/kling/tasks$', kind: 'server-error', status: 503 });
    const { engine, watcher, timers } = startWatching([EMPTY_ACCOUNT]);
    const failed = checks(watcher, 1);
    timers.advance(0);
    expect((await failed)[0]?.error).toMatch(/503/);
    expect(timers.nextAt()).toBe(timers.now() + 60_000);
    expect(watcher.status()[0]?.lastError).toMatch(/503/);

    const retried = checks(watcher, 1);
    timers.advance(60_000);
    const [outcome] = await retried;
    expect(outcome?.error).toBeNull();
    expect(outcome?.newTaskIds).toEqual([recent]);
    expect(library.task(old) ?? null).toBeNull();
    await engine.waitForTasks([recent]);
    expect(engine.taskReport(recent).final).toBe(true);
    expect(watcher.status()[0]?.lastError).toBeNull();
    expect(timers.nextAt()).toBe(timers.now() + INTERVAL);
  });

  it('wake() checks at once; a switched-off account is never checked', async () => {
    await startSim('multi');
    const accounts: EngineAccountConfig[] = [
      { accountId: 'a', email: 'alice@example.com', token: TOKENS.multiA },
      { accountId: 'b', email: 'bob@example.com', token: TOKENS.multiA },
    ];
    const { watcher, timers } = startWatching(accounts);
    watcher.setAccounts([
      { accountId: 'a', email: 'alice@example.com', watch: true },
      { accountId: 'b', email: 'bob@example.com', watch: false },
    ]);
    const first = checks(watcher, 1);
    timers.advance(0);
    expect((await first).map((o) => o.email)).toEqual(['alice@example.com']);
    const woken = checks(watcher, 1);
    watcher.wake();
    timers.advance(0);
    expect((await woken).map((o) => o.email)).toEqual(['alice@example.com']);
    expect(listings().filter((r) => r.query.email === 'bob@example.com')).toEqual([]);
    expect(watcher.status().find((s) => s.email === 'bob@example.com')).toMatchObject({
      watching: false,
      nextCheckAt: null,
    });
  });
});
