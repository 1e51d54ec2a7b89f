// The sync settings through the contract: settings.update on a running headless API reaches the
// real engine (no restart, in-flight work kept), each setting with an effect the user can see.
// A real library and settings file in a temp folder, the simulator on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/api';
import type { ContractEvent } from '../../../src/core/api';
import { engineOptionsFromSettings } from '../../../src/core/sync';
import { engineOptions } from '../../../src/core/api/adapters/engine-adapter';
import type { EngineAdapterOptions } from '../../../src/core/api/adapters/engine-adapter';
import { defaultSettings } from '../../../src/core/settings';
import { createHeadlessApi } from '../../../src/server/headless';
import { startSimulator, TOKENS } from '../../../src/sim';
import type { RunningSimulator, ScenarioName } from '../../../src/sim';
import type { MethodInput, MethodName, MethodOutput, SettingsPatch } from '../../../src/shared/contract';
import { waitUntil } from '../../support/wait-until';

const HOUR = 3_600_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface SetupOptions {
  scenario?: ScenarioName;
  pollsPerStep?: number;
  email?: string;
  token?: string;
  engine?: EngineAdapterOptions['engineOptions'];
}

async function simulator(scenario: ScenarioName, pollsPerStep?: number): Promise<RunningSimulator> {
  const sim = await startSimulator({ scenario, ...(pollsPerStep ? { pollsPerStep } : {}) });
  cleanups.push(() => sim.close());
  return sim;
}

async function setup(options: SetupOptions = {}) {
  const root = mkdtempSync(join(tmpdir(), 'kling-adapter-settings-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const sim = await simulator(options.scenario ?? 'basic', options.pollsPerStep);
  const warnings: string[] = [];
  const { api, engine } = createHeadlessApi({
    configDir: join(root, 'config'),
    libraryFolder: join(root, 'library'),
    apiBase: sim.baseUrl,
    env: {},
    version: '0.0.0-test',
    log: createLogger((line) => warnings.push(line)),
    syncEngine: { requestTimeoutMs: 2_000, downloadRetryBaseMs: 20, ...options.engine },
    // These tests count the requests the settings cause; the watcher's catch-up would add its own.
    watch: false,
  });
  if (!engine) throw new Error('no engine');
  cleanups.push(async () => {
    await engine.close();
    await api.close();
  });
  const events: ContractEvent[] = [];
  api.events.subscribe((event) => events.push(event));
  engine.start();
  const email = options.email ?? 'creator@example.com';
  const added = await api.call('accounts.add', {
    email,
    credentials: { token: options.token ?? TOKENS.basic },
  });
  if (!added.ok) throw new Error(added.error.message);

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const result = await api.call(method, input);
    if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
    return result.value;
  }
  const update = (patch: SettingsPatch) => call('settings.update', patch);
  // The default 30 requests a minute would make every test wait seconds between requests.
  await update({ polling: { maxRequestsPerMinute: 600 } });
  const task = async (taskId: string) =>
    (await call('tasks.list', { limit: 500 })).items.find((t) => t.taskId === taskId);
  const filesOf = async (taskId: string) => {
    const item = (await call('library.gallery', { account: 'all' })).items.find((i) => i.taskId === taskId);
    return item ? (await call('library.work', { workId: item.workId })).files : [];
  };
  const archived = (kind: string, taskId: string) =>
    events.some((e) => e.name === 'file.archived' && e.payload.kind === kind && e.payload.taskId === taskId);
  return { api, engine, events, sim, email, call, update, task, filesOf, archived, warnings };
}

const until = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) =>
  waitUntil(check, what, timeoutMs, 20);

const assetRequests = (sim: RunningSimulator) =>
  sim.requests().filter((r) => r.path === '/v1/kling/assets/download');

describe('engineOptionsFromSettings', () => {
  it('maps every sync setting onto the engine option that does it', () => {
    const settings = defaultSettings({ home: '/home/someone', apiBase: 'http://127.0.0.1:9/v1/kling' });
    settings.polling = { intervalSeconds: 45, maxRequestsPerMinute: 3, giveUpAfterHours: 1.5 };
    settings.downloads = {
      concurrency: 4,
      watermarkFree: true,
      fallbackToWatermarked: false,
      keepInputs: false,
    };
    expect(engineOptionsFromSettings(settings)).toEqual({
      apiBase: 'http://127.0.0.1:9/v1/kling',
      requestsPerSecond: 3 / 60, // per account; no floor above what the user chose
      downloadConcurrency: 4,
      watermarkFree: true,
      fallbackToWatermarked: false,
      keepInputs: false,
      pollPolicy: { minIntervalMs: 45_000, staleAfterMs: 5_400_000 },
    });
  });
});

describe('engineOptions', () => {
  it("hands the running engine exactly the settings' options, the extra ones on top", () => {
    const settings = defaultSettings({ home: '/home/someone', apiBase: 'http://127.0.0.1:9/v1/kling' });
    const { all, live } = engineOptions(settings, {
      requestsPerSecond: 50,
      requestTimeoutMs: 2_000,
      pollPolicy: { firstPollMs: 20 },
    });
    // What configure() may change is derived from engineOptionsFromSettings' keys, not listed again.
    expect(Object.keys(live).sort()).toEqual(Object.keys(engineOptionsFromSettings(settings)).sort());
    expect(live.requestsPerSecond).toBe(50);
    expect(live.pollPolicy).toEqual({ ...engineOptionsFromSettings(settings).pollPolicy, firstPollMs: 20 });
    expect(all.requestTimeoutMs).toBe(2_000);
    expect('requestTimeoutMs' in live).toBe(false);
  });
});

describe('settings.update reaches the running engine', () => {
  it('keepInputs and watermarkFree: no input, then the input arrives; the next video is the watermarked copy', async () => {
    const { sim, email, call, update, filesOf, archived, engine } = await setup();
    await update({ downloads: { keepInputs: false } });
    const first = sim.addTask({
      kind: 'img2video',
      outcome: 'succeed',
      mediaBytes: 10_000,
      initialState: 'final',
    });
    await call('tasks.add', { taskIds: [first] });
    await until(() => archived('video', first) && archived('cover', first), 'the first video');
    let files = await filesOf(first);
    expect(files.map((f) => f.kind).sort()).toEqual(['cover', 'video']);
    expect(files.find((f) => f.kind === 'video')?.copy).toBe('watermark-free');

    const asked = assetRequests(sim).length;
    await update({ downloads: { keepInputs: true, watermarkFree: false } });
    await until(() => archived('input', first), "the first task's input");
    files = await filesOf(first);
    expect(files.find((f) => f.kind === 'input')).toMatchObject({ state: 'done', copy: null });

    const second = sim.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 10_000,
      initialState: 'final',
    });
    await call('tasks.add', { taskIds: [second] });
    await until(() => archived('video', second), 'the second video');
    expect((await filesOf(second)).find((f) => f.kind === 'video')?.copy).toBe('watermarked');
    expect(assetRequests(sim)).toHaveLength(asked);
    expect(engine.running).toBe(true);
    expect(email).toBe('creator@example.com');
  });

  it('fallbackToWatermarked false: the refusal the user sees, and the watermarked copy once it is true', async () => {
    const { sim, call, update, task, filesOf, archived } = await setup({
      scenario: 'multi',
      email: 'carol@example.com', // a free plan: /assets/download answers 402
      token: TOKENS.multiB,
    });
    await update({ downloads: { fallbackToWatermarked: false } });
    await call('tasks.add', { taskIds: ['400000001'] });
    const video = async () => (await filesOf('400000001')).find((f) => f.kind === 'video');
    await until(async () => (await video())?.state === 'failed', 'the refusal');
    expect(await video()).toMatchObject({
      state: 'failed',
      copy: null,
      error:
        'watermark-free copy refused (HTTP 402: Subscription required); the watermarked copy is not kept, as the settings ask',
    });
    const listed = await task('400000001');
    expect(listed).toMatchObject({ phase: 'succeeded', final: true });
    expect(listed && listed.filesDone < listed.filesTotal).toBe(true);
    expect(assetRequests(sim).map((r) => r.status)).toEqual([402]);

    await update({ downloads: { fallbackToWatermarked: true } });
    await until(() => archived('video', '400000001'), 'the watermarked copy');
    expect(await video()).toMatchObject({ state: 'done', copy: 'watermarked', error: null });
    expect((await task('400000001'))?.filesDone).toBe(listed?.filesTotal);
  });

  it('giveUpAfterHours: a task older than the limit is given up; a longer limit resumes it', async () => {
    // The task was created 3 hours ago, by the service's own clock.
    const { sim, call, update, task } = await setup();
    await update({ polling: { giveUpAfterHours: 1 } });
    const id = sim.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 10_000,
      initialState: 'processing',
      createTime: Date.now() - 3 * HOUR,
    });
    await call('tasks.add', { taskIds: [id] });
    await until(
      async () => (await task(id))?.lastError?.startsWith('still not final') === true,
      'the give-up',
    );
    expect(await task(id)).toMatchObject({
      final: false,
      nextPollAt: null,
      lastError: 'still not final after 1 h: polling stopped (retry to poll again)',
    });

    await update({ polling: { giveUpAfterHours: 48 } });
    await until(async () => (await task(id))?.phase === 'succeeded', 'the task to finish');
  });

  it('intervalSeconds: the next poll of a running task is that far at least; a shorter one brings it forward', async () => {
    const T = Date.now();
    const { sim, call, update, task } = await setup({ pollsPerStep: 1_000, engine: { now: () => T } });
    await update({ polling: { intervalSeconds: 60 } });
    const id = sim.addTask({ kind: 'txt2video', outcome: 'succeed', initialState: 'processing' });
    await call('tasks.add', { taskIds: [id] });
    await until(async () => ((await task(id))?.nextPollAt ?? T) > T, 'the first answer');
    const first = ((await task(id))?.nextPollAt ?? 0) - T;
    // The simulator's ETA (about 10 s) and the young age would say sooner: the interval wins.
    expect(first).toBeGreaterThanOrEqual(60_000);
    expect(first).toBeLessThanOrEqual(69_000);

    await update({ polling: { intervalSeconds: 5 } });
    const forward = ((await task(id))?.nextPollAt ?? 0) - T;
    expect(forward).toBeGreaterThanOrEqual(5_000);
    expect(forward).toBeLessThanOrEqual(5_750);
  });

  it('maxRequestsPerMinute: a waiting request goes at the new rate at once', async () => {
    const { sim, call, update, archived } = await setup();
    await update({ polling: { maxRequestsPerMinute: 1 }, downloads: { watermarkFree: false } });
    const a = sim.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 5_000,
      initialState: 'final',
    });
    const b = sim.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 5_000,
      initialState: 'final',
    });
    // One request at once (the bucket's burst), the next one a minute later.
    const polls = () => sim.requests().filter((r) => r.path.startsWith('/v1/kling/tasks/')).length;
    await call('tasks.add', { taskIds: [a, b] });
    await until(() => polls() === 1, 'the first poll');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(polls()).toBe(1);

    await update({ polling: { maxRequestsPerMinute: 600 } });
    await until(() => archived('video', a) && archived('video', b), 'both videos');
    expect(polls()).toBe(2);
  });

  it('apiBase: a token is never sent to a new host until entered again for it; then the next tasks are polled there', async () => {
    const { sim, call, update, api, archived, warnings } = await setup();
    const other = await simulator('basic');
    await update({ apiBase: other.baseUrl });
    const id = other.addTask({
      kind: 'txt2video',
      outcome: 'succeed',
      mediaBytes: 5_000,
      initialState: 'final',
    });
    await call('tasks.add', { taskIds: [id] });
    // The token was given for the first server: the new server hears nothing.
    const listed = await call('accounts.list', {});
    const account = listed.accounts[0]!;
    expect(account.tokenUsable).toBe(false);
    expect(listed.tokens).toEqual([
      expect.objectContaining({ origin: new URL(sim.baseUrl).origin, usable: false }),
    ]);
    const tested = await api.call('accounts.test', { credentials: { tokenId: account.tokenId } });
    expect(tested).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(tested.ok || tested.error.message).toMatch(/enter it again/);
    await call('tasks.syncHistory', { accountId: account.id });
    await until(
      () => warnings.some((w) => w.includes('no token for the account')),
      'history to find no token',
    );
    expect(other.requests()).toEqual([]);

    // Entered again for the new host: used there, and there only.
    await call('accounts.update', { id: account.id, credentials: { token: TOKENS.basic } });
    expect((await call('accounts.list', {})).accounts[0]!.tokenUsable).toBe(true);
    await until(() => archived('video', id), 'the video from the new server');
    expect(sim.requests().filter((r) => r.path.endsWith(`/tasks/${id}`))).toEqual([]);

    const refused = await api.call('settings.update', { apiBase: 'http://127.0.0.1:1/v1/kling?token=abc' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(refused.ok || refused.error.message).toMatch(/query/);
    const plain = await api.call('settings.update', { apiBase: 'http://api.example.com/v1/kling' });
    expect(plain.ok || plain.error.message).toMatch(/must use https:\/\//);
    expect((await call('settings.get', {})).apiBase).toBe(other.baseUrl);
  });

  it('downloads.concurrency: more downloads at once, the one in flight untouched (no restart)', async () => {
    const { sim, call, update, engine } = await setup();
    await update({ downloads: { concurrency: 1, watermarkFree: false } });
    sim.injectFault({ path: '/media/', kind: 'stall', stallMs: 30_000, times: 0 });
    const id = sim.addTask({ kind: 'txt2img', outcome: 'succeed', works: 4, initialState: 'final' });
    await call('tasks.add', { taskIds: [id] });
    const downloading = async () => (await call('library.stats', {})).files.downloading;
    await until(async () => (await downloading()) === 1, 'one download');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await downloading()).toBe(1);
    const mediaGets = () => sim.requests().filter((r) => r.path.startsWith('/media/'));

    await update({ downloads: { concurrency: 3 } });
    await until(async () => (await downloading()) === 3, 'three downloads');
    // The first download was not stopped and started again: still one request for it, no Range.
    expect(mediaGets().filter((r) => r.range !== null)).toEqual([]);
    expect(new Set(mediaGets().map((r) => r.path)).size).toBe(mediaGets().length);
    expect(engine.running).toBe(true);
  });
});
