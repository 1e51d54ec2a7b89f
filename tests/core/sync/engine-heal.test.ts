// A corruption error met mid-run by the sync engine (which swallows its own failures) still reaches
// the library's corruption watch; healing then keeps the user's favorites, and the task archives.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { healDamagedLibrary, openCheckedLibrary, openLibrary, type Library } from '../../../src/core/library';
import { SyncEngine } from '../../../src/core/sync';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { overwriteIndexPages } from '../library/corrupt-pages';
import { makeSnapshot } from '../library/fixtures/snapshots';
import { EMAIL, testEngineOptions } from './engine-options';
import { waitUntil } from '../../support/wait-until';

let sim: RunningSimulator;
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  sim = await startSimulator({ scenario: 'basic' });
  dir = await mkdtemp(path.join(tmpdir(), 'ka-engine-heal-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

it('reports a damaged index met while ingesting an answer, and a heal keeps the favorites', async () => {
  const before = openLibrary(dir);
  before.ingest(makeSnapshot(EMAIL, { taskId: '7001', workIds: ['7002'] }));
  before.setFavorite('7002', true);
  before.close();
  overwriteIndexPages(dir, ['works']);

  // No time for the check on opening: the damage is met later, by the engine's ingest of a new work.
  const damaged: Error[] = [];
  const { library } = await openCheckedLibrary(dir, {
    quickCheck: { budgetMs: 0 },
    onCorruption: (error) => damaged.push(error),
  });
  cleanups.push(() => library.close());
  const engine = new SyncEngine(testEngineOptions(sim, library));
  cleanups.push(() => engine.stop());
  const id = sim.addTask({ initialState: 'final', mediaBytes: 5_000 });
  engine.start();
  engine.addTasks(EMAIL, [id]);
  await waitUntil(() => damaged.length > 0);
  expect(library.damaged?.message).toMatch(/malformed/);
  await engine.stop();

  const report = await healDamagedLibrary(library);
  expect(report.message).toMatch(/damaged .* rebuilt from the folder: .*1 favorite\(s\)/);
  const healed: Library = openLibrary(dir);
  cleanups.push(() => healed.close());
  expect(healed.workDetail('7002')?.work.favorite).toBe(true);
  // The id added before the damage was journaled: the healed library still follows it.
  expect(healed.task(id)).not.toBeNull();
  const again = new SyncEngine(testEngineOptions(sim, healed));
  cleanups.push(() => again.stop());
  again.start();
  await again.waitForTasks([id]);
  expect(again.taskReport(id)).toMatchObject({ final: true, error: null });
});
