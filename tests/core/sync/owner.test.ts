// Which account a task belongs to, against the simulator's several accounts over real HTTP: ids
// added without an account are filed under the account that answers for them (owner lookup), and a
// history sync moves a task filed under the wrong account to its owner, folder and rows together.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary, taskFolder, type Library } from '../../../src/core/library';
import { SyncEngine, type SyncEngineOptions } from '../../../src/core/sync';
import { createUseapiClient } from '../../../src/core/useapi';
import { startSimulator, TOKENS, type RunningSimulator } from '../../../src/sim';
import { testEngineOptions } from './engine-options';
import { waitUntil } from '../../support/wait-until';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';
const BOBS_TASK = '300000001';
const CAROLS_TASK = '400000001';

let sim: RunningSimulator;
let dir: string;
let library: Library;
let engines: SyncEngine[];

/** Alice and Bob share a token; Carol has her own. Alice is the first guess (the active account). */
function engineFor(options: Partial<SyncEngineOptions> = {}): SyncEngine {
  const engine = new SyncEngine(
    testEngineOptions(sim, library, {
      accounts: [
        { accountId: 'alice', email: ALICE, token: TOKENS.multiA },
        { accountId: 'bob', email: BOB, token: TOKENS.multiA },
        { accountId: 'carol', email: CAROL, token: TOKENS.multiB },
      ],
      ...options,
    }),
  );
  engines.push(engine);
  return engine;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The GET /tasks/{id} requests for one id, as [email, status]. */
const taskAsks = (taskId: string) =>
  sim
    .requests()
    .filter((r) => r.path === `/v1/kling/tasks/${taskId}`)
    .map((r) => [r.query.email, r.status]);

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'multi' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-owner-'));
  library = openLibrary(dir);
  engines = [];
});

afterEach(async () => {
  for (const engine of engines) await engine.stop();
  library.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('owner lookup', () => {
  it('files a task of another account, added without an account, under its owner, files and all', async () => {
    const engine = engineFor();
    engine.start();
    const outcome = engine.addTasks(ALICE, [BOBS_TASK, CAROLS_TASK], { findOwner: true });
    expect(outcome.accepted).toEqual([BOBS_TASK, CAROLS_TASK]);
    await engine.waitForTasks([BOBS_TASK, CAROLS_TASK]);

    for (const [taskId, owner] of [
      [BOBS_TASK, BOB],
      [CAROLS_TASK, CAROL],
    ] as const) {
      const report = engine.taskReport(taskId);
      expect(report).toMatchObject({ email: owner, phase: 'succeeded', final: true, error: null });
      expect(report.problems).toEqual([]);
      const folder = taskFolder(owner, library.task(taskId)?.created_at ?? null, taskId);
      for (const file of library.files.forTask(taskId)) {
        expect(file.relativePath.startsWith(`${folder}/`)).toBe(true);
        expect(sha(path.join(dir, file.relativePath))).toBe(file.sha256);
      }
      expect(existsSync(path.join(dir, folder, 'task.json'))).toBe(true);
      expect(library.taskAccounts.ownerUnknown(taskId)).toBe(false);
    }
    expect(existsSync(path.join(dir, ALICE))).toBe(false);
    // Alice first, then the others in turn, each once; the owner's answer ends the lookup.
    expect(taskAsks(BOBS_TASK).slice(0, 2)).toEqual([
      [ALICE, 404],
      [BOB, 200],
    ]);
    expect(taskAsks(CAROLS_TASK).slice(0, 3)).toEqual([
      [ALICE, 404],
      [BOB, 404],
      [CAROL, 200],
    ]);
    // Once found, the task is polled under its owner only.
    expect(
      taskAsks(BOBS_TASK)
        .slice(2)
        .every(([email]) => email === BOB),
    ).toBe(true);
    expect(library.gallery({ account: BOB }).items.map((item) => item.taskId)).toContain(BOBS_TASK);
    expect(library.gallery({ account: ALICE }).items.map((item) => item.taskId)).not.toContain(BOBS_TASK);
  });

  it('an id no account knows costs one request per account per 404 round, then ends as not found', async () => {
    const engine = engineFor();
    engine.start();
    engine.addTasks(ALICE, ['999999999'], { findOwner: true });
    await engine.waitForTasks(['999999999']);
    expect(engine.taskReport('999999999')).toMatchObject({ email: ALICE, final: true, error: 'not found' });
    // FAST.notFoundRetries = 3: four rounds of 404, each asking the three accounts once.
    const asks = taskAsks('999999999');
    expect(asks).toHaveLength(4 * 3);
    expect(asks.every(([, status]) => status === 404)).toBe(true);
    expect(asks.slice(0, 3).map(([email]) => email)).toEqual([ALICE, BOB, CAROL]);
  });

  it('an id added under a chosen account is asked of that account only', async () => {
    const engine = engineFor();
    engine.start();
    engine.addTasks(ALICE, [BOBS_TASK]);
    await engine.waitForTasks([BOBS_TASK]);
    expect(engine.taskReport(BOBS_TASK)).toMatchObject({ email: ALICE, error: 'not found' });
    expect(taskAsks(BOBS_TASK).every(([email]) => email === ALICE)).toBe(true);
  });

  it('an id given up under the wrong account is filed again when added again, with or without an account', async () => {
    const engine = engineFor();
    engine.start();
    engine.addTasks(ALICE, [BOBS_TASK, CAROLS_TASK]);
    await engine.waitForTasks([BOBS_TASK, CAROLS_TASK]);
    expect(engine.taskReport(BOBS_TASK)).toMatchObject({ email: ALICE, error: 'not found' });
    // Under its owner, chosen.
    expect(engine.addTasks(BOB, [BOBS_TASK]).accepted).toEqual([BOBS_TASK]);
    // Without an account: the owner is found.
    expect(engine.addTasks(ALICE, [CAROLS_TASK], { findOwner: true }).accepted).toEqual([CAROLS_TASK]);
    await engine.waitForTasks([BOBS_TASK, CAROLS_TASK]);
    expect(engine.taskReport(BOBS_TASK)).toMatchObject({ email: BOB, phase: 'succeeded', error: null });
    expect(engine.taskReport(CAROLS_TASK)).toMatchObject({ email: CAROL, phase: 'succeeded', error: null });
    // Once answered, adding it elsewhere says where it is.
    const again = engine.addTasks(ALICE, [BOBS_TASK]);
    expect(again).toMatchObject({
      accepted: [],
      alreadyTracked: [BOBS_TASK],
      trackedUnder: { [BOBS_TASK]: BOB },
    });
  });

  it('a 5xx from another account is not counted as a 404 round (the owner may be the one failing)', async () => {
    // Bob's answers for his task fail (500) before they reach the simulator; Alice's are real 404s.
    let bobFailures = 0;
    const failingForBob: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes(`/tasks/${BOBS_TASK}?`) && url.includes(encodeURIComponent(BOB))) {
        bobFailures += 1;
        return new Response('{"error":"Internal"}', { status: 500 });
      }
      return fetch(input, init);
    };
    const engine = engineFor({
      fetch: failingForBob,
      accounts: [
        { accountId: 'alice', email: ALICE, token: TOKENS.multiA },
        { accountId: 'bob', email: BOB, token: TOKENS.multiA },
      ],
    });
    engine.start();
    engine.addTasks(ALICE, [BOBS_TASK], { findOwner: true });
    // More rounds than the 404 limit (FAST.notFoundRetries = 3): still waiting, the 500 recorded.
    await waitUntil(() => bobFailures >= 6);
    expect(engine.taskReport(BOBS_TASK)).toMatchObject({ email: ALICE, final: false, error: null });
    expect(library.task(BOBS_TASK)?.last_error).toMatch(/500/);
    expect(taskAsks(BOBS_TASK).every(([email, status]) => email === ALICE && status === 404)).toBe(true);
  });

  it('a paused account is not asked', async () => {
    const engine = engineFor({
      accounts: [
        { accountId: 'alice', email: ALICE, token: TOKENS.multiA },
        { accountId: 'carol', email: CAROL, token: 'user:9999-RefusedToken0' },
        { accountId: 'bob', email: BOB, token: TOKENS.multiA },
      ],
    });
    engine.start();
    // Carol's token is refused by her first request: she is paused, and the lookup goes past her.
    engine.addTasks(CAROL, [CAROLS_TASK]);
    await waitUntil(() => engine.accountPause(CAROL) !== null);
    engine.addTasks(ALICE, [BOBS_TASK], { findOwner: true });
    await engine.waitForTasks([BOBS_TASK]);
    expect(engine.taskReport(BOBS_TASK)).toMatchObject({ email: BOB, error: null });
    expect(taskAsks(BOBS_TASK).slice(0, 2)).toEqual([
      [ALICE, 404],
      [BOB, 200],
    ]);
  });
});

describe('history sync re-homes a task filed under another account', () => {
  /** Bob's task archived under Alice, as an older version filed it: files downloaded there. */
  async function bobsTaskArchivedUnderAlice(engine: SyncEngine): Promise<Map<string, string>> {
    const client = createUseapiClient({ baseUrl: sim.baseUrl, token: TOKENS.multiA });
    const answer = await client.getTask(BOBS_TASK, BOB);
    if (answer.kind !== 'ok') throw new Error(`the simulator did not answer: ${answer.kind}`);
    library.ingest({ account: ALICE, snapshot: answer.value, raw: answer.raw });
    engine.start();
    engine.addTasks(ALICE, [BOBS_TASK]); // already tracked: its files are planned and fetched
    await engine.waitForTasks([BOBS_TASK]);
    const files = library.files.forTask(BOBS_TASK);
    expect(files.length).toBeGreaterThan(1);
    const aliceFolder = taskFolder(ALICE, library.task(BOBS_TASK)?.created_at ?? null, BOBS_TASK);
    const before = new Map<string, string>();
    for (const file of files) {
      expect(file).toMatchObject({ state: 'done' });
      expect(file.relativePath.startsWith(`${aliceFolder}/`)).toBe(true);
      before.set(path.basename(file.relativePath), sha(path.join(dir, file.relativePath)));
    }
    return before;
  }

  it('moves the folder and the rows; every file is byte-exact at its new path, nothing downloaded again', async () => {
    const engine = engineFor();
    const before = await bobsTaskArchivedUnderAlice(engine);
    const created = library.task(BOBS_TASK)?.created_at ?? null;
    // Requests for this task's files (Bob's history brings his other tasks, downloaded meanwhile).
    const sources = new Set(library.files.forTask(BOBS_TASK).map((f) => new URL(f.sourceUrl ?? '').pathname));
    const fetches = () => sim.requests().filter((r) => sources.has(r.path)).length;
    const mediaBefore = fetches();

    const outcome = await engine.syncHistory(BOB);
    expect(outcome.error).toBeNull();
    expect(outcome.taskIds).toContain(BOBS_TASK);
    await engine.waitForTasks([BOBS_TASK]);

    const bobFolder = taskFolder(BOB, created, BOBS_TASK);
    expect(engine.taskReport(BOBS_TASK)).toMatchObject({ email: BOB, error: null });
    const files = library.files.forTask(BOBS_TASK);
    expect(files.map((f) => path.basename(f.relativePath)).sort()).toEqual([...before.keys()].sort());
    for (const file of files) {
      expect(file.relativePath.startsWith(`${bobFolder}/`)).toBe(true);
      expect(file.state).toBe('done');
      const onDisk = sha(path.join(dir, file.relativePath));
      expect(onDisk).toBe(before.get(path.basename(file.relativePath)));
      expect(onDisk).toBe(file.sha256);
    }
    expect(existsSync(path.join(dir, bobFolder, 'task.json'))).toBe(true);
    expect(existsSync(path.join(dir, taskFolder(ALICE, created, BOBS_TASK)))).toBe(false);
    expect(existsSync(path.join(dir, BOB, 'account.json'))).toBe(true);
    expect(mediaBefore).toBeGreaterThan(0);
    expect(fetches()).toBe(mediaBefore);
    // The gallery and the counts follow.
    expect(library.gallery({ account: BOB }).items.map((item) => item.taskId)).toContain(BOBS_TASK);
    expect(library.gallery({ account: ALICE }).items.map((item) => item.taskId)).not.toContain(BOBS_TASK);
    const stats = library.stats();
    expect(stats.accounts.find((a) => a.email === ALICE)?.tasks ?? 0).toBe(0);
    expect(stats.accounts.find((a) => a.email === BOB)?.tasks).toBeGreaterThan(0);
  });

  it('with watermark-free copies on, the media is fetched again with the owner’s email', async () => {
    const engine = engineFor({ watermarkFree: true });
    await bobsTaskArchivedUnderAlice(engine);
    const video = () => library.files.forTask(BOBS_TASK).find((f) => f.kind === 'video');
    // The asks for this task's video (Bob's history brings his other tasks too).
    const assetAsks = () =>
      sim
        .requests()
        .filter((r) => r.path === '/v1/kling/assets/download' && r.query.workIds === video()?.workId)
        .map((r) => [r.query.email, r.status]);
    // Asked with the wrong email: refused, the watermarked copy kept.
    expect(assetAsks()).toEqual([[ALICE, 400]]);
    expect(video()?.copy).toBe('watermarked');

    await engine.syncHistory(BOB);
    await waitUntil(() => video()?.state === 'done' && video()?.copy === 'watermark-free');
    await engine.waitForTasks([BOBS_TASK]);
    expect(assetAsks()).toEqual([
      [ALICE, 400],
      [BOB, 200],
    ]);
    const file = video();
    expect(file?.relativePath.startsWith(`${BOB}/`)).toBe(true);
    expect(sha(path.join(dir, file?.relativePath ?? ''))).toBe(file?.sha256);
  });
});
