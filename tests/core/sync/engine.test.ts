// The engine end to end against the simulator over real HTTP, a real library in a temp folder.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../../src/core/library';
import {
  LibraryLockedError,
  SyncEngine,
  type SyncEngineOptions,
  type SyncEvent,
} from '../../../src/core/sync';
import { startSimulator, TOKENS, type RunningSimulator } from '../../../src/sim';
import { EMAIL, testEngineOptions } from './engine-options';
import { FakeClock } from './fake-clock';
import { waitUntil } from '../../support/wait-until';

let sim: RunningSimulator;
let dir: string;
let library: Library;
let engines: SyncEngine[];
let events: SyncEvent[];

function engineFor(options: Partial<SyncEngineOptions> = {}): SyncEngine {
  const engine = new SyncEngine(testEngineOptions(sim, library, options));
  engine.events.subscribe((event) => events.push(event));
  engines.push(engine);
  return engine;
}

/** Every file under the library folder except the index, as relative paths. */
function filesOnDisk(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.kling-archive') walk(full);
      } else out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

const HOUR = 3_600_000;

/** Requests the engine's API clients made (they count when they leave, not when they arrive). */
let fetchCalls = 0;
const countingFetch: typeof fetch = (input, init) => {
  fetchCalls += 1;
  return fetch(input, init);
};

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'basic' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-engine-'));
  library = openLibrary(dir);
  engines = [];
  events = [];
});

afterEach(async () => {
  for (const engine of engines) await engine.stop();
  library.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SyncEngine', () => {
  it('follows a task through submitted → processing → succeed and archives every file byte-exact', async () => {
    const id = sim.addTask({ kind: 'img2video', outcome: 'succeed', mediaBytes: 200_000 });
    const engine = engineFor();
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const report = engine.taskReport(id);
    expect(report).toMatchObject({ id, final: true, phase: 'succeeded', error: null, settled: true });
    const files = report.works.flatMap((work) => work.files);
    expect(files.map((f) => f.kind).sort()).toEqual(['cover', 'input', 'video']);
    for (const file of files) {
      const absolute = path.join(dir, file.path);
      expect(statSync(absolute).size).toBe(file.bytes);
      expect(sha(absolute)).toBe(file.sha256);
    }
    expect(filesOnDisk(dir).filter((f) => /\.part|\.tmp/.test(f))).toEqual([]);
    const phases = events.filter((e) => e.name === 'task.changed').map((e) => e.payload);
    expect(phases.at(-1)).toMatchObject({ taskId: id, phase: 'succeeded', final: true });
    expect(events.filter((e) => e.name === 'file.archived')).toHaveLength(3);
    // Polled more than once: it went through its steps.
    expect(sim.requests().filter((r) => r.path.endsWith(`/tasks/${id}`)).length).toBeGreaterThanOrEqual(3);
  });

  it('follows a removed task added again afresh, not as the cancelled task it was', async () => {
    const id = sim.addTask({ kind: 'img2video', outcome: 'succeed', mediaBytes: 10_000, stepMs: 3_600_000 });
    const polls = () => sim.requests().filter((r) => r.path.endsWith(`/tasks/${id}`)).length;
    const engine = engineFor();
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await waitUntil(() => polls() >= 1);
    expect(engine.cancelTask(id)).toBe(true);
    expect(engine.taskReport(id).error).toBe('cancelled');
    await engine.forgetTask(id);
    expect(library.removeTask(id)).not.toBeNull();

    const before = polls();
    expect(engine.addTasks(EMAIL, [id]).accepted).toEqual([id]);
    await waitUntil(() => polls() > before);
    expect(engine.taskReport(id)).toMatchObject({ final: false, error: null });
    sim.advanceTask(id, 5);
    await engine.waitForTasks([id]);
    const report = engine.taskReport(id);
    expect(report).toMatchObject({ final: true, phase: 'succeeded', error: null });
    expect(report.works.flatMap((work) => work.files.map((file) => file.kind)).sort()).toEqual([
      'cover',
      'input',
      'video',
    ]);
  });

  it('records failure codes as final failures with their reason', async () => {
    const failed = sim.addTask({ outcome: { failStatus: 7 } });
    const other = sim.addTask({ outcome: { failStatus: 54, message: 'Something odd' } });
    const engine = engineFor();
    engine.start();
    engine.addTasks(EMAIL, [failed, other]);
    await engine.waitForTasks([failed, other]);
    expect(engine.taskReport(failed)).toMatchObject({ final: true, phase: 'failed', status: 7 });
    expect(engine.taskReport(failed).error).toMatch(/sensitive/);
    expect(engine.taskReport(other)).toMatchObject({ final: true, phase: 'failed', status: 54 });
  });

  it('retries a 404 a few times, then calls the task not found; a late task is found', async () => {
    const gone = sim.addTask({ outcome: 'not-found' });
    const late = sim.addTask({ outcome: { notFoundPolls: 2 }, mediaBytes: 10_000 });
    const engine = engineFor();
    engine.start();
    engine.addTasks(EMAIL, [gone, late]);
    await engine.waitForTasks([gone, late]);
    expect(engine.taskReport(gone)).toMatchObject({ final: true, phase: 'failed', error: 'not found' });
    expect(sim.requests().filter((r) => r.path.endsWith(`/tasks/${gone}`))).toHaveLength(4);
    expect(engine.taskReport(late)).toMatchObject({ final: true, phase: 'succeeded', error: null });
  });

  it('calls a malformed task id invalid after a 400 without polling again', async () => {
    const engine = engineFor();
    engine.start();
    // A valid-looking id the simulator answers 400 for is hard to come by; an id of 40 digits is accepted
    // locally and refused by the service.
    const id = '1'.repeat(40);
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const report = engine.taskReport(id);
    expect(report.final).toBe(true);
    expect(report.error).toMatch(/invalid task id|not found/);
  });

  it('pauses an account on 401 and resumes it when its token changes', async () => {
    const clock = new FakeClock();
    const id = sim.addTask({ outcome: 'succeed', mediaBytes: 5_000 });
    const engine = engineFor({
      clock,
      fetch: countingFetch,
      accounts: [{ accountId: 'main', email: EMAIL, token: 'user:1-WrongToken' }],
    });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await clock.run(engine.waitForTasks([id]), 'the pause');
    expect(engine.taskReport(id)).toMatchObject({ final: false, error: 'token rejected', settled: true });
    expect(engine.accountPause(EMAIL)).toBe('unauthorized');
    const paused = events.find((e) => e.name === 'account.paused');
    expect(paused?.payload).toMatchObject({
      email: EMAIL,
      reason: 'unauthorized',
      message: 'token rejected',
    });
    expect(JSON.stringify(events)).not.toContain('WrongToken');
    // An hour goes by: nothing is asked while paused (no request even leaves the engine).
    const before = { asked: fetchCalls, received: sim.requests().length };
    await clock.advanceBy(HOUR);
    expect({ asked: fetchCalls, received: sim.requests().length }).toEqual(before);

    engine.setAccounts([{ accountId: 'main', email: EMAIL, token: TOKENS.basic }]);
    expect(events.some((e) => e.name === 'account.resumed')).toBe(true);
    await clock.run(engine.waitForTasks([id]), 'the task archived');
    expect(engine.taskReport(id)).toMatchObject({ final: true, phase: 'succeeded', error: null });
  });

  it('recovers from every injected fault with byte-exact files', async () => {
    const id = sim.addTask({ kind: 'txt2video', outcome: 'succeed', mediaBytes: 400_000 });
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'rate-limit', retryAfterSeconds: 0 });
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'server-error', status: 503 });
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'malformed-json' });
    sim.injectFault({ path: '/v1/kling/tasks/', kind: 'stall', stallMs: 3_000 });
    sim.injectFault({ path: '/media/*.mp4', kind: 'reset-mid-body' });
    sim.injectFault({ path: '/media/*.mp4', kind: 'truncate-body' });
    sim.injectFault({ path: '/media/*.mp4', kind: 'stall', afterBytes: 1000, stallMs: 5_000 });
    sim.injectFault({ path: '/media/*.mp4', kind: 'ignore-range' });
    const engine = engineFor();
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const report = engine.taskReport(id);
    expect(report).toMatchObject({ final: true, phase: 'succeeded', error: null });
    const video = report.works[0]?.files.find((f) => f.kind === 'video');
    expect(video?.bytes).toBe(400_000);
    expect(sha(path.join(dir, video?.path ?? 'x'))).toBe(video?.sha256);
    const faults = sim
      .requests()
      .map((r) => r.fault)
      .filter(Boolean);
    expect(new Set(faults)).toEqual(
      new Set([
        'rate-limit',
        'server-error',
        'malformed-json',
        'stall',
        'reset-mid-body',
        'truncate-body',
        'ignore-range',
      ]),
    );
    expect(sim.requests().some((r) => r.path.endsWith('.mp4') && r.range !== null)).toBe(true);
    expect(filesOnDisk(dir).filter((f) => f.includes('.part'))).toEqual([]);
  });

  it('never downloads an archived file again, unless asked', async () => {
    const clock = new FakeClock();
    const id = sim.addTask({ outcome: 'succeed', mediaBytes: 20_000 });
    const engine = engineFor({ clock });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await clock.run(engine.waitForTasks([id]), 'the task archived');
    const mediaRequests = () => sim.requests().filter((r) => r.path.startsWith('/media/')).length;
    const started = () => library.files.forTask(id).filter((f) => f.state !== 'done');
    const first = mediaRequests();
    engine.addTasks(EMAIL, [id]);
    await clock.run(engine.waitForTasks([id]), 'the task settled again');
    // An hour later nothing was queued or fetched again.
    await clock.advanceBy(HOUR);
    expect(started()).toEqual([]);
    expect(mediaRequests()).toBe(first);
    const video = engine.taskReport(id).works[0]?.files.find((f) => f.kind === 'video');
    expect(engine.redownloadFile(video?.path ?? '')).toBe(true);
    await clock.run(engine.waitForTasks([id]), 'the re-download');
    await clock.advanceBy(HOUR);
    expect(started()).toEqual([]);
    expect(mediaRequests()).toBe(first + 1);
  });

  it('walks the account history backwards and archives the finished tasks', async () => {
    const engine = engineFor();
    engine.start();
    const outcome = await engine.syncHistory(EMAIL, { pageSize: 2 });
    expect(outcome.error).toBeNull();
    expect(outcome.pages).toBeGreaterThan(1);
    expect(outcome.taskIds.length).toBeGreaterThanOrEqual(sim.scenario.taskIds.length - 1);
    await engine.waitForTasks(outcome.taskIds);
    const progress = events.filter((e) => e.name === 'history.progress');
    expect(progress.at(-1)?.payload).toMatchObject({ done: true, error: null });
    const exact = engine.taskReport('9007199254740993');
    expect(exact.id).toBe('9007199254740993');
    expect(exact.works[0]?.files.length).toBeGreaterThan(0);
  });

  it('refuses a second engine on the same library with a clear message', () => {
    const first = engineFor();
    first.start();
    const second = engineFor();
    expect(() => second.start()).toThrow(LibraryLockedError);
    expect(() => second.start()).toThrow(/in use by another Kling Archive process \(pid \d+/);
  });

  it('keeps the .part on stop and resumes it with a Range request', async () => {
    const id = sim.addTask({ outcome: 'succeed', mediaBytes: 3_000_000, kind: 'txt2video' });
    sim.injectFault({ path: '/media/*.mp4', kind: 'stall', afterBytes: 1_000_000, stallMs: 10_000 });
    const engine = engineFor({ downloadIdleTimeoutMs: 30_000 });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    // Stopped once the .part holds bytes (the stall comes after the first megabyte).
    const partBytes = () => {
      const part = filesOnDisk(dir).find((f) => f.endsWith('.mp4.part'));
      return part ? statSync(path.join(dir, part)).size : 0;
    };
    await waitUntil(() => partBytes() > 0);
    await engine.stop();
    const part = filesOnDisk(dir).find((f) => f.endsWith('.mp4.part'));
    expect(part).toBeDefined();
    expect(statSync(path.join(dir, part ?? '')).size).toBeGreaterThan(0);

    const again = engineFor();
    again.start();
    await again.waitForTasks([id]);
    const video = again.taskReport(id).works[0]?.files.find((f) => f.kind === 'video');
    expect(video?.bytes).toBe(3_000_000);
    expect(sha(path.join(dir, video?.path ?? ''))).toBe(video?.sha256);
    expect(
      sim.requests().some((r) => r.path.endsWith('.mp4') && /^bytes=[1-9]\d*-$/.test(r.range ?? '')),
    ).toBe(true);
    expect(existsSync(path.join(dir, part ?? ''))).toBe(false);
  });
});

describe('SyncEngine and hostile result URLs', () => {
  it('refuses file:, javascript:, remote http, control characters and climbing names, writing nothing outside', async () => {
    const port = new URL(sim.baseUrl).port;
    const hostile = [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://example.com/video.mp4',
      `http://127.0.0.1:${port}/media/%2e%2e%2f%2e%2e%2f%2e%2e%2fescape.mp4`,
      `https://cdn.example.com/a\u0000b\u001b[31m.mp4`,
      `http://127.0.0.1:${port}/media/${'x'.repeat(5000)}.${'m'.repeat(300)}`,
    ];
    const works = hostile.map((url, index) => ({
      workId: String(880000 + index),
      taskId: '770001',
      status: 99,
      status_name: 'succeed',
      status_final: true,
      contentType: 'video',
      resource: { resource: url },
      cover: { resource: 'javascript:void(0)' },
      createTime: 1_700_000_000_000,
    }));
    const snapshot = {
      status: 99,
      status_name: 'succeed',
      status_final: true,
      task: {
        id: '770001',
        status: 99,
        status_final: true,
        createTime: 1_700_000_000_000,
        taskInfo: { inputs: [{ name: 'input', url: 'file:///etc/shadow' }] },
      },
      works,
    };
    library.ingest({ account: EMAIL, snapshot, raw: JSON.stringify(snapshot) });
    library.createFileRows('770001');
    const engine = engineFor({ downloadAttempts: 1 });
    engine.start();
    await engine.waitForTasks(['770001']);
    const report = engine.taskReport('770001');
    expect(report.works.flatMap((w) => w.files)).toEqual([]);
    expect(report.problems.length).toBe(hostile.length * 2 + 1);
    expect(report.problems.every((p) => p.state === 'failed')).toBe(true);
    // All but the two loopback URLs are refused by the URL policy (no connection made); those two are
    // fetched (404 here), and neither the encoded ../ nor the enormous name reaches a file name.
    expect(report.problems.filter((p) => /Refusing/.test(p.error ?? '')).length).toBe(hostile.length * 2 - 1);
    expect(report.problems.filter((p) => /HTTP 404/.test(p.error ?? '')).length).toBe(2);
    // Every path the library chose stays inside, with safe names.
    for (const problem of report.problems) {
      expect(problem.path.startsWith(`${EMAIL}/`)).toBe(true);
      // eslint-disable-next-line no-control-regex -- the point is to find control characters
      expect(problem.path).not.toMatch(/\.\.|[\u0000-\u001f]/);
      expect(Buffer.byteLength(path.basename(problem.path))).toBeLessThanOrEqual(255);
    }
    expect(readdirSync(path.dirname(dir)).filter((name) => name === 'escape.mp4')).toEqual([]);
    expect(filesOnDisk(dir).filter((f) => !f.endsWith('.json'))).toEqual([]);
  });
});

describe('SyncEngine and watermark-free copies', () => {
  const assetRequests = (on: RunningSimulator = sim) =>
    on.requests().filter((r) => r.path === '/v1/kling/assets/download');
  /** The bytes behind a work's result URL (the watermarked copy), straight from the simulator. */
  const resultSha = async (url: string | null) => {
    if (!url) throw new Error('no result URL');
    const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    return createHash('sha256').update(bytes).digest('hex');
  };
  const mediaOf = (taskId: string) => {
    const file = library.files.forTask(taskId).find((f) => f.kind === 'video' || f.kind === 'image');
    if (!file?.workId) throw new Error(`task ${taskId} has no media file`);
    return { file, item: library.gallery({}).items.find((item) => item.workId === file.workId) };
  };

  it('with watermarkFree on and a paid plan: the watermark-free copy, recorded as such', async () => {
    const id = sim.addTask({ kind: 'txt2video', outcome: 'succeed', mediaBytes: 30_000 });
    const image = sim.addTask({ kind: 'txt2img', outcome: 'succeed', works: 1 });
    const engine = engineFor({ watermarkFree: true });
    engine.start();
    engine.addTasks(EMAIL, [id, image]);
    await engine.waitForTasks([id, image]);
    for (const taskId of [id, image]) {
      expect(engine.taskReport(taskId)).toMatchObject({ phase: 'succeeded', error: null });
      const { file, item } = mediaOf(taskId);
      expect(file).toMatchObject({ state: 'done', copy: 'watermark-free' });
      expect(item).toMatchObject({ mediaPath: file.relativePath, watermarked: false });
      // Other bytes than the result URL's: the clean copy really is what was archived.
      expect(file.sha256).not.toBe(await resultSha(file.sourceUrl));
      expect(sha(path.join(dir, file.relativePath))).toBe(file.sha256);
      const detail = library.workDetail(file.workId ?? '');
      expect(detail?.work.watermarked).toBe(false);
      expect(detail?.files.map((f) => [f.kind, f.copy]).filter(([kind]) => kind !== 'input')).toEqual(
        taskId === id
          ? [
              ['video', 'watermark-free'],
              ['cover', null],
            ]
          : [['image', 'watermark-free']],
      );
    }
    expect(assetRequests().map((r) => [r.query.fileTypes, r.status])).toEqual(
      expect.arrayContaining([
        ['MP4', 200],
        ['PNG', 200],
      ]),
    );
  });

  it('with watermarkFree off: the result URL, recorded as watermarked, /assets/download never asked', async () => {
    const id = sim.addTask({ kind: 'img2video', outcome: 'succeed', mediaBytes: 30_000 });
    const engine = engineFor({ watermarkFree: false });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const { file, item } = mediaOf(id);
    expect(file).toMatchObject({ state: 'done', copy: 'watermarked' });
    expect(file.sha256).toBe(await resultSha(file.sourceUrl));
    expect(item?.watermarked).toBe(true);
    expect(library.files.forTask(id).map((f) => [f.kind, f.copy])).toEqual([
      ['video', 'watermarked'],
      ['cover', null],
      ['input', null],
    ]);
    expect(assetRequests()).toEqual([]);
  });

  it('falls back to the result URL when /assets/download refuses (402 free plan) and records watermarked', async () => {
    const multi = await startSimulator({ scenario: 'multi' });
    const carol = 'carol@example.com';
    const engine = engineFor({
      apiBase: multi.baseUrl,
      accounts: [{ accountId: 'carol', email: carol, token: TOKENS.multiB }],
      watermarkFree: true,
    });
    try {
      engine.start();
      engine.addTasks(carol, ['400000001']);
      await engine.waitForTasks(['400000001']);
      expect(engine.taskReport('400000001')).toMatchObject({ phase: 'succeeded', error: null });
      expect(assetRequests(multi).map((r) => r.status)).toEqual([402]);
      const { file, item } = mediaOf('400000001');
      expect(file).toMatchObject({ state: 'done', copy: 'watermarked' });
      expect(file.sha256).toBe(await resultSha(file.sourceUrl));
      expect(item?.watermarked).toBe(true);
    } finally {
      await engine.stop();
      await multi.close();
    }
  });

  it('falls back on a 400 (a work the service does not know) and records watermarked', async () => {
    // A task already final in the library whose work the service answers "Invalid parameters" for.
    const media = `${sim.baseUrl}/media/gen/4242-20000.mp4`;
    const snapshot = {
      status: 99,
      status_name: 'succeed',
      status_final: true,
      task: { id: '770002', status: 99, status_final: true, createTime: 1_700_000_000_000 },
      works: [
        {
          workId: '99999999999999999999',
          taskId: '770002',
          status: 99,
          status_name: 'succeed',
          status_final: true,
          contentType: 'video',
          resource: { resource: media },
          createTime: 1_700_000_000_000,
        },
      ],
    };
    library.ingest({ account: EMAIL, snapshot, raw: JSON.stringify(snapshot) });
    library.createFileRows('770002');
    const engine = engineFor({ watermarkFree: true });
    engine.start();
    await engine.waitForTasks(['770002']);
    expect(assetRequests().map((r) => [r.query.workIds, r.status])).toEqual([['99999999999999999999', 400]]);
    const { file, item } = mediaOf('770002');
    expect(file).toMatchObject({ state: 'done', copy: 'watermarked', workId: '99999999999999999999' });
    expect(file.sha256).toBe(await resultSha(media));
    expect(item?.watermarked).toBe(true);
  });

  it('a failed /assets/download (500) falls back; a re-download then records the watermark-free copy', async () => {
    const id = sim.addTask({ kind: 'txt2video', outcome: 'succeed', mediaBytes: 30_000 });
    sim.injectFault({ path: '/v1/kling/assets/download', kind: 'server-error' });
    const engine = engineFor({ watermarkFree: true });
    engine.start();
    engine.addTasks(EMAIL, [id]);
    await engine.waitForTasks([id]);
    const first = mediaOf(id);
    expect(first.file.copy).toBe('watermarked');
    expect(first.item?.watermarked).toBe(true);
    expect(assetRequests().map((r) => [r.status, r.fault])).toEqual([[500, 'server-error']]);

    expect(engine.redownloadFile(first.file.relativePath)).toBe(true);
    await engine.waitForTasks([id]);
    await waitUntil(() => library.files.get(first.file.id)?.state === 'done');
    const again = mediaOf(id);
    expect(again.file).toMatchObject({ state: 'done', copy: 'watermark-free' });
    expect(again.file.sha256).not.toBe(first.file.sha256);
    expect(sha(path.join(dir, again.file.relativePath))).toBe(again.file.sha256);
    expect(again.item?.watermarked).toBe(false);
    expect(assetRequests().map((r) => r.status)).toEqual([500, 200]);
  });
});
