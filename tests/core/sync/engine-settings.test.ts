// The engine's settings-driven options, each with an effect one can see: against the simulator over
// real HTTP and a real library in a temp folder. Clocks are injected where time matters; the
// simulator moves tasks on per poll, so nothing here sleeps for seconds.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../../src/core/library';
import { NOT_KEPT_SUFFIX, SyncEngine, type SyncEngineOptions, type SyncEvent } from '../../../src/core/sync';
import { startSimulator, TOKENS, type RunningSimulator } from '../../../src/sim';
import { EMAIL, FAST, testEngineOptions } from './engine-options';
import { FakeClock } from './fake-clock';
import { waitUntil } from '../../support/wait-until';

const CAROL = 'carol@example.com'; // the multi scenario's free-plan account: /assets/download answers 402
const HOUR = 3_600_000;

let sim: RunningSimulator;
let dir: string;
let library: Library;
let engines: SyncEngine[];
let events: SyncEvent[];
const closeLater: RunningSimulator[] = [];

function engineFor(options: Partial<SyncEngineOptions> = {}): SyncEngine {
  const engine = new SyncEngine(testEngineOptions(sim, library, { downloadRetryBaseMs: 20, ...options }));
  engine.events.subscribe((event) => events.push(event));
  engines.push(engine);
  return engine;
}

async function multiSimulator(): Promise<RunningSimulator> {
  const multi = await startSimulator({ scenario: 'multi' });
  closeLater.push(multi);
  return multi;
}

const carolEngine = (multi: RunningSimulator, options: Partial<SyncEngineOptions> = {}) =>
  engineFor({
    apiBase: multi.baseUrl,
    accounts: [{ accountId: 'carol', email: CAROL, token: TOKENS.multiB }],
    watermarkFree: true,
    ...options,
  });

const assetRequests = (on: RunningSimulator = sim) =>
  on.requests().filter((r) => r.path === '/v1/kling/assets/download');
const mediaRequests = (on: RunningSimulator, url: string | null) =>
  on.requests().filter((r) => url !== null && r.path === new URL(url).pathname);
const fileOf = (taskId: string, kind: string) => library.files.forTask(taskId).find((f) => f.kind === kind);

const until = waitUntil;

/**
 * A succeeded task the service does not know (so /assets/download refuses its work with a 400),
 * with its files planned and none fetched yet.
 */
function ingestFinished(taskId: string, workId: string, inputUrl?: string): void {
  const snapshot = {
    status: 99,
    status_name: 'succeed',
    status_final: true,
    task: {
      id: taskId,
      status: 99,
      status_final: true,
      createTime: 1_700_000_000_000,
      ...(inputUrl ? { taskInfo: { inputs: [{ name: 'input', url: inputUrl }] } } : {}),
    },
    works: [
      {
        workId,
        taskId,
        status: 99,
        status_name: 'succeed',
        status_final: true,
        contentType: 'video',
        resource: { resource: `${sim.baseUrl}/media/gen/${taskId.slice(-2)}-20000.mp4` },
        createTime: 1_700_000_000_000,
      },
    ],
  };
  library.ingest({ account: EMAIL, snapshot, raw: JSON.stringify(snapshot) });
  library.createFileRows(taskId);
}

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'basic' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-engine-settings-'));
  library = openLibrary(dir);
  engines = [];
  events = [];
});

afterEach(async () => {
  for (const engine of engines) await engine.stop();
  library.close();
  for (const other of closeLater.splice(0)) await other.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('keepInputs', () => {
  it('off: no input file is planned or fetched; switched on live: the inputs arrive', async () => {
    const id = sim.addTask({ kind: 'img2video', outcome: 'succeed', mediaBytes: 20_000 });
    const engine = engineFor({ keepInputs: false });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const report = engine.taskReport(id);
    expect(report).toMatchObject({ phase: 'succeeded', error: null, settled: true, problems: [] });
    expect(report.works.flatMap((w) => w.files.map((f) => f.kind)).sort()).toEqual(['cover', 'video']);
    expect(fileOf(id, 'input')).toBeUndefined();
    expect(sim.requests().filter((r) => r.path.includes('/input-'))).toEqual([]);
    // The tasks view counts what the library expects: nothing is left waiting.
    expect(library.taskList({}).items.find((t) => t.taskId === id)).toMatchObject({
      filesDone: 2,
      filesTotal: 2,
    });

    engine.configure({ keepInputs: true });
    await engine.waitForTasks([id]);
    await until(() => fileOf(id, 'input')?.state === 'done', 'the input');
    const input = fileOf(id, 'input');
    expect(input?.relativePath).toMatch(/\/input\.jpg$/);
    expect(existsSync(path.join(dir, input?.relativePath ?? 'x'))).toBe(true);
    expect(events.some((e) => e.name === 'file.archived' && e.payload.kind === 'input')).toBe(true);
  });

  it('off at start: input rows not archived are dropped with their .part; archived ones stay', async () => {
    const kept = sim.addTask({ kind: 'img2video', outcome: 'succeed', mediaBytes: 10_000 });
    const first = engineFor();
    first.start();
    first.addTasks(EMAIL, [kept]);
    await first.waitForTasks([kept]);
    expect(fileOf(kept, 'input')?.state).toBe('done');
    await first.stop();

    // A finished task whose files are planned (as by a rebuild) but not fetched, the input half done.
    const pending = '770021';
    ingestFinished(pending, '99999999999999999921', `${sim.baseUrl}/media/gen/21-3000.jpg`);
    const input = fileOf(pending, 'input');
    expect(input?.state).toBe('pending');
    const part = `${path.join(dir, input?.relativePath ?? 'x')}.part`;
    mkdirSync(path.dirname(part), { recursive: true });
    writeFileSync(part, 'half an image');

    const engine = engineFor({ keepInputs: false });
    engine.start();
    await engine.waitForTasks([pending, kept]);
    expect(fileOf(pending, 'input')).toBeUndefined();
    expect(existsSync(part)).toBe(false);
    expect(engine.taskReport(pending)).toMatchObject({ error: null, problems: [] });
    expect(fileOf(kept, 'input')?.state).toBe('done');
  });
});

describe('fallbackToWatermarked', () => {
  it('false and a 402 (free plan): no video, a clear reason, no attempt spent; true live: the watermarked copy', async () => {
    const multi = await multiSimulator();
    const clock = new FakeClock();
    const engine = carolEngine(multi, { fallbackToWatermarked: false, clock });
    engine.start();
    engine.addTasks(CAROL, ['400000001']);
    await clock.run(engine.waitForTasks(['400000001']), 'the refusal');
    const video = fileOf('400000001', 'video');
    expect(video).toMatchObject({ state: 'failed', attempts: 0, copy: null });
    expect(video?.error).toBe(
      `watermark-free copy refused (HTTP 402: Subscription required); ${NOT_KEPT_SUFFIX}`,
    );
    expect(NOT_KEPT_SUFFIX).toBe('the watermarked copy is not kept, as the settings ask');
    // Nothing from the watermarked result URL, on disk or on the wire; the rest is archived.
    expect(mediaRequests(multi, video?.sourceUrl ?? null)).toEqual([]);
    expect(existsSync(path.join(dir, video?.relativePath ?? 'x'))).toBe(false);
    expect(existsSync(path.join(dir, `${video?.relativePath ?? 'x'}.part`))).toBe(false);
    expect(fileOf('400000001', 'cover')?.state).toBe('done');
    const report = engine.taskReport('400000001');
    expect(report).toMatchObject({
      phase: 'succeeded',
      settled: true,
      error: `1 file(s) could not be archived: ${video?.error}`,
    });
    expect(report.problems).toEqual([
      { kind: 'video', path: video?.relativePath, state: 'failed', error: video?.error },
    ]);
    const failed = events.find((e) => e.name === 'file.failed');
    expect(failed?.payload).toMatchObject({ kind: 'video', willRetry: false, message: video?.error });
    // A refusal is not retried by itself: an hour later nothing was asked again or queued.
    await clock.advanceBy(HOUR);
    expect(fileOf('400000001', 'video')?.state).toBe('failed');
    expect(assetRequests(multi).map((r) => r.status)).toEqual([402]);

    engine.configure({ fallbackToWatermarked: true });
    await clock.run(engine.waitForTasks(['400000001']), 'the watermarked copy');
    await clock.runUntil(() => fileOf('400000001', 'video')?.state === 'done', 'the watermarked video');
    expect(fileOf('400000001', 'video')).toMatchObject({ copy: 'watermarked', error: null });
    expect(assetRequests(multi).map((r) => r.status)).toEqual([402, 402]);
    expect(library.gallery({}).items.find((i) => i.workId === video?.workId)?.watermarked).toBe(true);
  });

  it('true and a 402: the watermarked copy, recorded as watermarked', async () => {
    const multi = await multiSimulator();
    const engine = carolEngine(multi, { fallbackToWatermarked: true });
    engine.start();
    engine.addTasks(CAROL, ['400000001']);
    await engine.waitForTasks(['400000001']);
    expect(fileOf('400000001', 'video')).toMatchObject({ state: 'done', copy: 'watermarked', error: null });
    expect(engine.taskReport('400000001')).toMatchObject({ error: null, problems: [] });
  });

  it('false: a refused file can be downloaded again on request, and turning watermarkFree off queues it', async () => {
    const multi = await multiSimulator();
    const engine = carolEngine(multi, { fallbackToWatermarked: false });
    engine.start();
    engine.addTasks(CAROL, ['400000001']);
    await engine.waitForTasks(['400000001']);
    const video = fileOf('400000001', 'video');
    expect(video?.state).toBe('failed');
    // Asked for again (say, after upgrading the plan): asked again, refused again, still no attempt spent.
    expect(engine.redownloadFile(video?.relativePath ?? '')).toBe(true);
    await until(
      () => assetRequests(multi).length === 2 && fileOf('400000001', 'video')?.state === 'failed',
      'the second refusal',
    );
    expect(fileOf('400000001', 'video')?.attempts).toBe(0);

    engine.configure({ watermarkFree: false });
    await until(() => fileOf('400000001', 'video')?.state === 'done', 'the video');
    expect(fileOf('400000001', 'video')?.copy).toBe('watermarked');
    expect(assetRequests(multi)).toHaveLength(2); // not asked with watermarkFree off
  });

  it('false: a transient 5xx of /assets/download is retried, then the clean copy is archived', async () => {
    const id = sim.addTask({ kind: 'txt2video', outcome: 'succeed', mediaBytes: 20_000 });
    sim.injectFault({ path: '/v1/kling/assets/download', kind: 'server-error', status: 503 });
    const engine = engineFor({ watermarkFree: true, fallbackToWatermarked: false });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({ error: null, problems: [] });
    expect(fileOf(id, 'video')).toMatchObject({ state: 'done', copy: 'watermark-free' });
    expect(assetRequests().map((r) => r.status)).toEqual([503, 200]);
    const failed = events.find((e) => e.name === 'file.failed');
    expect(failed?.payload).toMatchObject({ kind: 'video', willRetry: true });
    expect(failed?.name === 'file.failed' && failed.payload.message).toMatch(
      /^watermark-free copy not available \(HTTP 503: .*\); the watermarked copy is not kept/,
    );
  });

  it('false: /assets/download failing every time uses up the attempts, never the result URL', async () => {
    const id = sim.addTask({ kind: 'txt2video', outcome: 'succeed', mediaBytes: 20_000 });
    sim.injectFault({ path: '/v1/kling/assets/download', kind: 'server-error', times: 0 });
    const engine = engineFor({ watermarkFree: true, fallbackToWatermarked: false, downloadAttempts: 3 });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const video = fileOf(id, 'video');
    expect(video).toMatchObject({ state: 'failed', attempts: 3 });
    expect(video?.error).toMatch(
      /^watermark-free copy not available \(HTTP 500: .*\); the watermarked copy is not kept/,
    );
    expect(assetRequests()).toHaveLength(3);
    expect(mediaRequests(sim, video?.sourceUrl ?? null)).toEqual([]);
    expect(engine.taskReport(id)).toMatchObject({
      settled: true,
      error: `1 file(s) could not be archived: ${video?.error}`,
    });

    // The setting switched: the file is queued again and the watermarked copy kept.
    sim.clearFaults();
    engine.configure({ fallbackToWatermarked: true, watermarkFree: false });
    await until(() => fileOf(id, 'video')?.state === 'done', 'the video');
    expect(fileOf(id, 'video')?.copy).toBe('watermarked');
  });

  it('a new run asks again for one refused file per account, and a clean copy obtained queues the rest', async () => {
    ingestFinished('770011', '99999999999999999911');
    ingestFinished('770012', '99999999999999999912');
    const askedFor = (workId: string) => assetRequests().filter((r) => r.query.workIds === workId).length;
    const options = { watermarkFree: true, fallbackToWatermarked: false } as const;
    const first = engineFor(options);
    first.start();
    await first.waitForTasks(['770011', '770012']);
    expect([askedFor('99999999999999999911'), askedFor('99999999999999999912')]).toEqual([1, 1]);
    expect(fileOf('770011', 'video')?.error).toMatch(/^watermark-free copy refused \(HTTP 400: /);
    await first.stop();

    const second = engineFor(options);
    second.start();
    await second.waitForTasks(['770011', '770012']);
    // One probe for the account, not one request per refused file.
    expect([askedFor('99999999999999999911'), askedFor('99999999999999999912')]).toEqual([2, 1]);
    expect(fileOf('770012', 'video')?.state).toBe('failed');

    // A task of the same account gets its watermark-free copy: the plan allows it now, ask for the rest.
    const id = sim.addTask({ kind: 'txt2video', outcome: 'succeed', mediaBytes: 10_000 });
    second.addTasks(EMAIL, [id]);
    await second.waitForTasks([id]);
    await until(() => askedFor('99999999999999999912') === 2, 'the refused files to be asked again');
    await second.waitForTasks(['770011', '770012']);
    expect(fileOf(id, 'video')?.copy).toBe('watermark-free');
    expect(fileOf('770012', 'video')).toMatchObject({ state: 'failed', attempts: 0 });
  });
});

describe('fallbackToWatermarked across runs', () => {
  it('a run that keeps the watermarked copy queues every refused file, with no probe', async () => {
    ingestFinished('770031', '99999999999999999931');
    ingestFinished('770032', '99999999999999999932');
    const first = engineFor({ watermarkFree: true, fallbackToWatermarked: false });
    first.start();
    await first.waitForTasks(['770031', '770032']);
    expect(fileOf('770031', 'video')?.state).toBe('failed');
    expect(fileOf('770032', 'video')?.state).toBe('failed');
    await first.stop();

    const second = engineFor({ watermarkFree: true, fallbackToWatermarked: true });
    second.start();
    await second.waitForTasks(['770031', '770032']);
    for (const taskId of ['770031', '770032'])
      expect(fileOf(taskId, 'video')).toMatchObject({ state: 'done', copy: 'watermarked', error: null });
  });
});

describe('giveUpAfterHours (pollPolicy.staleAfterMs)', () => {
  it('a running task older than the limit is given up; a longer limit set live resumes it', async () => {
    // Created 3 hours ago by the service's own clock (createTime against currentTimestamp).
    const id = sim.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 10_000,
      initialState: 'processing',
      createTime: Date.now() - 3 * HOUR,
    });
    const engine = engineFor({ pollPolicy: { ...FAST, staleAfterMs: 1 * HOUR } });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const reason = 'still not final after 1 h: polling stopped (retry to poll again)';
    // The reason, never "timed out" alone.
    expect(engine.taskReport(id)).toMatchObject({ final: false, error: reason, settled: true });
    expect(library.task(id)).toMatchObject({ next_poll_at: null, last_error: reason });
    const polls = () => sim.requests().filter((r) => r.path.endsWith(`/tasks/${id}`)).length;
    expect(polls()).toBe(1);

    engine.configure({ pollPolicy: { staleAfterMs: 48 * HOUR } });
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'succeeded', error: null });
    expect(polls()).toBeGreaterThan(1);
  });

  it("a local clock hours ahead of the service changes nothing: the age is the service's own", async () => {
    const id = sim.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 10_000,
      initialState: 'processing',
    });
    // Three hours ahead with a one-hour limit: judged by the local clock, the task would look stale.
    const engine = engineFor({
      now: () => Date.now() + 3 * HOUR,
      pollPolicy: { ...FAST, staleAfterMs: 1 * HOUR },
    });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'succeeded', error: null });
  });

  it('within the limit a task of the same age is followed to the end', async () => {
    const id = sim.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 10_000,
      initialState: 'processing',
      createTime: Date.now() - 3 * HOUR,
    });
    const engine = engineFor({ pollPolicy: { ...FAST, staleAfterMs: 4 * HOUR } });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'succeeded', error: null });
  });
});

describe('intervalSeconds (pollPolicy.minIntervalMs)', () => {
  it('the next poll of a running task is at least the interval away; a shorter one set live brings it forward', async () => {
    const slow = await startSimulator({ scenario: 'basic', pollsPerStep: 1_000 });
    closeLater.push(slow);
    const id = slow.addTask({ kind: 'txt2video', outcome: 'succeed', initialState: 'processing' });
    const T = Date.now();
    const engine = engineFor({
      apiBase: slow.baseUrl,
      now: () => T, // frozen: the poll after the first is never due during the test
      pollPolicy: { ...FAST, minIntervalMs: 60_000, maxIntervalMs: 120_000, jitter: 0.15 },
    });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await until(() => (library.task(id)?.next_poll_at ?? T) > T, 'the first answer');
    const next = (library.task(id)?.next_poll_at ?? 0) - T;
    expect(next).toBeGreaterThanOrEqual(60_000);
    expect(next).toBeLessThanOrEqual(69_000);
    expect(library.task(id)?.phase).toBe('running');

    engine.configure({ pollPolicy: { minIntervalMs: 5_000 } });
    const forward = (library.task(id)?.next_poll_at ?? 0) - T;
    expect(forward).toBeGreaterThanOrEqual(5_000);
    expect(forward).toBeLessThanOrEqual(5_750);
    expect(engine.currentOptions.pollPolicy.minIntervalMs).toBe(5_000);
  });
});

describe('configure', () => {
  it('a higher download concurrency starts more downloads at once, without touching the running one', async () => {
    const id = sim.addTask({ kind: 'txt2img', outcome: 'succeed', works: 4 });
    sim.injectFault({ path: '/media/', kind: 'stall', stallMs: 30_000, times: 0 });
    const clock = new FakeClock();
    const engine = engineFor({ clock, downloadConcurrency: 1, downloadIdleTimeoutMs: 60_000 });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    const downloading = () => library.files.forTask(id).filter((f) => f.state === 'downloading');
    await clock.runUntil(() => downloading().length === 1, 'one download');
    const firstOne = downloading()[0]?.id;
    // A minute later (the stalled download's idle limit is real time) still one at a time.
    await clock.advanceBy(60_000);
    expect(downloading()).toHaveLength(1);

    engine.configure({ downloadConcurrency: 3 });
    await clock.runUntil(() => downloading().length === 3, 'three downloads');
    expect(downloading().map((f) => f.id)).toContain(firstOne);
    expect(library.files.get(firstOne ?? 0)?.attempts).toBe(1);
    expect(engine.isRunning).toBe(true);
  });

  it('a new API base: new clients for the next requests; a bad one changes nothing', async () => {
    const other = await startSimulator({ scenario: 'basic' });
    closeLater.push(other);
    const engine = engineFor({ downloadConcurrency: 2 });
    engine.start();
    const there = other.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 10_000,
      initialState: 'final',
    });
    engine.configure({ apiBase: other.baseUrl });
    engine.addTasks(EMAIL, [there]);
    await engine.waitForTasks([there]);
    expect(engine.taskReport(there)).toMatchObject({ phase: 'succeeded', error: null });
    expect(sim.requests().filter((r) => r.path.endsWith(`/tasks/${there}`))).toEqual([]);
    expect(other.requests().filter((r) => r.path.endsWith(`/tasks/${there}`)).length).toBeGreaterThan(0);
    expect(() =>
      engine.configure({ apiBase: 'http://127.0.0.1:1/kling?x=1', downloadConcurrency: 1 }),
    ).toThrow(/query/);
    expect(engine.currentOptions).toMatchObject({ apiBase: other.baseUrl, downloadConcurrency: 2 });
  });

  it("a new API base lifts the pauses the old server's refusals caused", async () => {
    const id = sim.addTask({ outcome: 'succeed', mediaBytes: 5_000 });
    const engine = engineFor({ accounts: [{ accountId: 'main', email: EMAIL, token: TOKENS.basic }] });
    const other = await startSimulator({ scenario: 'empty' }); // does not know this token: 401
    closeLater.push(other);
    engine.configure({ apiBase: other.baseUrl });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    expect(engine.accountPause(EMAIL)).toBe('unauthorized');

    engine.configure({ apiBase: sim.baseUrl });
    expect(events.some((e) => e.name === 'account.resumed')).toBe(true);
    expect(engine.accountPause(EMAIL)).toBeNull();
    await engine.waitForTasks([id]);
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'succeeded', error: null });
  });
});
