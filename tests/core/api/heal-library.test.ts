// A damaged index met while the headless API runs: by a call's own connection, and by the sync
// engine's. A real library in a temp folder with garbage over some index pages, the simulator on
// 127.0.0.1; the heal keeps the favorites and the user is told in one line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/api';
import { openLibrary } from '../../../src/core/library';
import { createHeadlessApi } from '../../../src/server/headless';
import { startSimulator, TOKENS } from '../../../src/sim';
import { overwriteIndexPages } from '../library/corrupt-pages';
import { makeSnapshot } from '../library/fixtures/snapshots';
import { waitUntil } from '../../support/wait-until';

const EMAIL = 'creator@example.com';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A library with one favorite work, its index then damaged (the works table's root page). */
function damagedLibrary(root: string): string {
  const folder = join(root, 'library');
  const library = openLibrary(folder);
  library.ingest(makeSnapshot(EMAIL, { taskId: '7001', workIds: ['7002'] }));
  library.setFavorite('7002', true);
  library.close();
  overwriteIndexPages(folder, ['works']);
  return folder;
}

async function setup(syncEngine: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'kling-api-heal-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const simulator = await startSimulator({ scenario: 'basic' });
  cleanups.push(() => simulator.close());
  const folder = damagedLibrary(root);
  const logs: string[] = [];
  const { api, engine } = createHeadlessApi({
    configDir: join(root, 'config'),
    libraryFolder: folder,
    apiBase: simulator.baseUrl,
    env: {},
    version: '0.0.0-test',
    log: createLogger((line) => logs.push(line)),
    syncEngine: syncEngine && { pollPolicy: { firstPollMs: 20, minIntervalMs: 50 }, requestsPerSecond: 50 },
    // The gallery is counted: the watcher would bring the account's whole history in.
    watch: false,
  });
  cleanups.push(async () => {
    await engine?.close();
    await api.close();
  });
  return { api, engine, logs, simulator };
}

const until = (check: () => Promise<boolean>, timeoutMs = 30_000) =>
  waitUntil(check, 'a condition', timeoutMs, 50);

describe('a damaged index met while the API runs', () => {
  it('a call that meets it heals the index, answers the one line, and the next call works', async () => {
    const { api, logs } = await setup(false);
    const first = await api.call('library.gallery', { account: 'all' });
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.code).toBe('unavailable');
    expect(first.error.message).toMatch(
      /^The library index was damaged \(database disk image is malformed\) and has been rebuilt from the folder: 1 task\(s\), 1 work\(s\), 0 file\(s\), 1 favorite\(s\) kept; nothing lost; .* Try again\.$/,
    );
    expect(logs.filter((line) => line.includes('index was damaged'))).toHaveLength(1);

    const again = await api.call('library.gallery', { account: 'all' });
    expect(again.ok && again.value.items.map((item) => [item.workId, item.favorite])).toEqual([
      ['7002', true],
    ]);
  });

  it("the sync engine's connection meeting it heals the index, and the engine carries on", async () => {
    const { api, engine, logs, simulator } = await setup(true);
    engine!.start();
    const added = await api.call('accounts.add', { email: EMAIL, credentials: { token: TOKENS.basic } });
    expect(added.ok, JSON.stringify(added) + logs.join('')).toBe(true);
    const id = simulator.addTask({ initialState: 'final', mediaBytes: 5_000 });
    // The engine meets the damage (reading or writing the works table) and reports it; the API heals.
    expect((await api.call('tasks.add', { taskIds: [id] })).ok).toBe(true);
    await until(async () => logs.some((line) => line.includes('index was damaged')));
    await until(async () => {
      const gallery = await api.call('library.gallery', { account: 'all' });
      return gallery.ok && gallery.value.items.length === 2;
    });
    const gallery = await api.call('library.gallery', { account: 'all' });
    expect(gallery.ok && gallery.value.items.find((item) => item.workId === '7002')?.favorite).toBe(true);
    expect(logs.filter((line) => line.includes('index was damaged'))).toHaveLength(1);
  });
});
