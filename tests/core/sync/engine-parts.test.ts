// The engine's parts one at a time, each over a real library in a temp folder, the simulator over
// real HTTP, and a fake clock: account pauses alone, polling alone, the download queue alone.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, type Library } from '../../../src/core/library';
import { SyncEngine, type SyncEvent } from '../../../src/core/sync';
import { AccountPauses } from '../../../src/core/sync/account-pauses';
import { Downloads } from '../../../src/core/sync/downloads';
import { EngineContext } from '../../../src/core/sync/engine-context';
import type { SyncEngineOptions } from '../../../src/core/sync/engine-types';
import { Polling } from '../../../src/core/sync/polling';
import { startSimulator, TOKENS, type RunningSimulator } from '../../../src/sim';
import { EMAIL, testEngineOptions } from './engine-options';
import { FakeClock } from './fake-clock';

let sim: RunningSimulator;
let dir: string;
let library: Library;
let clock: FakeClock;
let events: SyncEvent[];
let contexts: EngineContext[];

function contextFor(options: Partial<SyncEngineOptions> = {}): EngineContext {
  const ctx = new EngineContext(testEngineOptions(sim, library, { clock, ...options }));
  ctx.accounts = new Map(ctx.options.accounts.map((account) => [account.email, account]));
  ctx.clients = ctx.createClients(ctx.options.accounts, ctx.options.apiBase);
  for (const account of ctx.options.accounts) library.upsertAccount(account.email);
  ctx.events.subscribe((event) => events.push(event));
  contexts.push(ctx);
  return ctx;
}

const unauthorized = { kind: 'unauthorized', operation: 'getTask', status: 401, message: 'no' } as const;

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'basic' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-parts-'));
  library = openLibrary(dir);
  clock = new FakeClock();
  events = [];
  contexts = [];
});

afterEach(async () => {
  for (const ctx of contexts) ctx.end();
  library.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('AccountPauses', () => {
  it('a refused token pauses the account until the token changes; a 429 holds it for a while only', () => {
    const ctx = contextFor();
    const pauses = new AccountPauses(ctx);
    expect(pauses.active()).toEqual([EMAIL]);

    pauses.hold(EMAIL, clock.now() + 5_000);
    expect(pauses.active()).toEqual([EMAIL]); // held back, not paused
    expect(pauses.askable()).toEqual([]);
    clock.advance(5_000);
    expect(pauses.askable()).toEqual([EMAIL]);

    pauses.pause(EMAIL, 'unauthorized', unauthorized);
    expect(pauses.reason(EMAIL)).toBe('unauthorized');
    expect(pauses.active()).toEqual([]);
    expect(events.at(-1)).toMatchObject({ name: 'account.paused', payload: { message: 'token rejected' } });

    // The same token again changes nothing; a new one lifts the pause.
    pauses.resumeIfTokenChanged(ctx.options.accounts[0] ?? { accountId: '', email: '', token: '' });
    expect(pauses.reason(EMAIL)).toBe('unauthorized');
    pauses.resumeIfTokenChanged({ accountId: 'main', email: EMAIL, token: TOKENS.basic + 'x' });
    expect(pauses.reason(EMAIL)).toBeNull();
    expect(events.at(-1)).toMatchObject({ name: 'account.resumed', payload: { email: EMAIL } });
  });

  it('another server lifts every pause and hold', () => {
    const ctx = contextFor();
    const pauses = new AccountPauses(ctx);
    pauses.pause(EMAIL, 'unauthorized', unauthorized);
    pauses.hold(EMAIL, clock.now() + 60_000);
    pauses.liftAll();
    expect(pauses.active()).toEqual([EMAIL]);
    expect(pauses.askable()).toEqual([EMAIL]);
  });
});

describe('Polling', () => {
  it('polls a due task at once, then not again before the planned time', async () => {
    const id = sim.addTask({ initialState: 'processing', stepMs: 3_600_000 });
    const ctx = contextFor();
    const polling = new Polling(ctx, new AccountPauses(ctx), { succeeded: () => undefined });
    const polls = () => sim.requests().filter((r) => r.path === `/v1/kling/tasks/${id}`).length;
    library.addPendingTask(EMAIL, id);
    library.updatePolling(id, { nextPollAt: clock.now() });
    ctx.begin();
    polling.pump();
    await clock.runUntil(() => library.task(id)?.status !== null, 'the first answer');
    expect(polls()).toBe(1);
    const next = library.task(id)?.next_poll_at ?? 0;
    expect(next).toBeGreaterThan(clock.now());
    expect(clock.nextAt()).toBe(next); // one wake timer, for the planned poll

    await clock.advanceBy(next - clock.now() - 1);
    expect(polls()).toBe(1);
    await clock.runUntil(() => polls() === 2, 'the planned poll');
    ctx.end();
    await polling.stop();
    expect(clock.nextAt()).toBeNull();
  });
});

describe('Downloads', () => {
  it('a failed download waits on its retry timer, and only then is fetched again', async () => {
    const id = sim.addTask({ initialState: 'final', outcome: 'succeed', mediaBytes: 50_000 });
    sim.injectFault({ path: '/media/*.mp4', kind: 'reset-mid-body', times: 1 });
    const ctx = contextFor({ downloadRetryBaseMs: 10_000 });
    // The task's answer, filed as the poller would.
    const answer = await ctx.clients.get(EMAIL)?.getTask(id, EMAIL);
    if (answer?.kind !== 'ok') throw new Error('the simulator did not answer');
    library.ingest({ account: EMAIL, snapshot: answer.value, raw: answer.raw });
    ctx.createFiles(id);
    const video = () => library.files.forTask(id).find((f) => f.kind === 'video');
    const fetches = () => sim.requests().filter((r) => r.path.endsWith('.mp4')).length;

    const downloads = new Downloads(ctx);
    ctx.begin();
    downloads.pump();
    await clock.runUntil(() => video()?.state === 'failed', 'the reset download');
    expect(downloads.retryPlanned(video()?.id ?? 0)).toBe(true);
    expect(events.find((e) => e.name === 'file.failed')?.payload).toMatchObject({ willRetry: true });

    await clock.advanceBy(9_000); // within the backoff: nothing
    expect(fetches()).toBe(1);
    expect(video()?.state).toBe('failed');
    await clock.runUntil(() => video()?.state === 'done', 'the retried download');
    expect(fetches()).toBe(2);
    expect(existsSync(path.join(dir, video()?.relativePath ?? 'x'))).toBe(true);
    ctx.end();
    await downloads.stop();
  });
});

describe('SyncEngine.stop', () => {
  it('resolves once the work under way has let go, with no time passing on the clock', async () => {
    const id = sim.addTask({
      kind: 'txt2video',
      initialState: 'final',
      outcome: 'succeed',
      mediaBytes: 3_000_000,
    });
    sim.injectFault({ path: '/media/*.mp4', kind: 'stall', afterBytes: 100_000, stallMs: 10_000 });
    const engine = new SyncEngine(testEngineOptions(sim, library, { clock, downloadIdleTimeoutMs: 30_000 }));
    engine.start();
    engine.addTasks(EMAIL, [id]);
    const video = () => library.files.forTask(id).find((f) => f.kind === 'video');
    await clock.runUntil(() => video()?.state === 'downloading', 'the stalled download');
    const at = clock.now();
    await engine.stop();
    expect(clock.now()).toBe(at);
    expect(video()?.state).toBe('pending'); // stopped, not failed: its .part resumes at the next start
    expect(clock.nextAt()).toBeNull(); // no timer left behind
  });
});
