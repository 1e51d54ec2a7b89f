// The Engine adapter over the real sync engine: a headless API, a real library in a temp folder and
// the simulator on 127.0.0.1. Tasks added through the contract are polled, archived and browsable.
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/api';
import type { ContractEvent } from '../../../src/core/api';
import { indexPath } from '../../../src/core/library/paths';
import { createHeadlessApi } from '../../../src/server/headless';
import { startSimulator, TOKENS } from '../../../src/sim';
import type { RunningSimulator } from '../../../src/sim';
import { waitUntil } from '../../support/wait-until';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const root = mkdtempSync(join(tmpdir(), 'kling-engine-adapter-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const simulator: RunningSimulator = await startSimulator({ scenario: 'basic' });
  cleanups.push(() => simulator.close());
  const logs: string[] = [];
  const { api, engine } = createHeadlessApi({
    configDir: join(root, 'config'),
    libraryFolder: join(root, 'library'),
    apiBase: simulator.baseUrl,
    env: {},
    version: '0.0.0-test',
    log: createLogger((line) => logs.push(line)),
    syncEngine: { pollPolicy: { firstPollMs: 50, minIntervalMs: 100 }, requestsPerSecond: 50 },
    // These tests follow pasted ids: the watcher would archive the account's history beside them, and
    // then more than the two tasks asked for (tests/core/api/watching.test.ts covers it).
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
  return { api, engine, events, logs, root };
}

/** How many connections this process has open on an index file (each holds one descriptor on it). */
function openConnections(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed meanwhile (the listing's own descriptor)
    }
  }).length;
}

const until = (check: () => Promise<boolean>, timeoutMs = 30_000) =>
  waitUntil(check, 'a condition', timeoutMs, 100);

describe('engine adapter', () => {
  it('archives tasks added through the contract and forwards only contract events', async () => {
    const { api, events, logs } = await setup();
    const added = await api.call('accounts.add', {
      email: 'creator@example.com',
      credentials: { token: TOKENS.basic },
    });
    expect(added.ok).toBe(true);
    const result = await api.call('tasks.add', { taskIds: ['123456789', '9007199254740993'] });
    expect(result.ok && result.value.accepted).toEqual(['123456789', '9007199254740993']);

    await until(async () => {
      const gallery = await api.call('library.gallery', { account: 'all' });
      const archived = new Set(
        events.flatMap((event) => (event.name === 'file.archived' ? [event.payload.taskId] : [])),
      );
      return gallery.ok && gallery.value.items.length >= 2 && archived.size === 2;
    });
    const names = new Set(events.map((event) => event.name));
    expect(names.has('task.changed')).toBe(true);
    expect(names.has('file.archived')).toBe(true);
    expect(
      [...names].every((name) => !['file.failed', 'downloads.paused', 'account.resumed'].includes(name)),
    ).toBe(true);
    const progress = events.filter((event) => event.name === 'download.progress');
    for (const event of progress) expect(typeof event.payload.bytesPerSecond).toBe('number');

    // Adding the same ids again reports them as tracked; the ids stay exact strings.
    const again = await api.call('tasks.add', { taskIds: ['9007199254740993'] });
    expect(again.ok && again.value.rejected.map((r) => r.reason)).toEqual(['already_tracked']);
    expect(logs.join('\n')).not.toContain(TOKENS.basic);
  }, 60_000);

  it('answers not_found for unknown tasks and files', async () => {
    const { api } = await setup();
    const retry = await api.call('tasks.retry', { taskId: '42' });
    expect(retry).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const cancel = await api.call('tasks.cancel', { taskId: '42' });
    expect(cancel).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('closes the library while it is rebuilt and carries on syncing after', async () => {
    const { api, engine, events } = await setup();
    await api.call('accounts.add', { email: 'creator@example.com', credentials: { token: TOKENS.basic } });
    const rebuilt = await api.call('library.rebuild', {});
    expect(rebuilt.ok).toBe(true);
    expect(engine.running).toBe(true);
    const added = await api.call('tasks.add', { taskIds: ['123456789'] });
    expect(added.ok && added.value.accepted).toEqual(['123456789']);
    await until(async () => events.some((event) => event.name === 'file.archived'));
  }, 60_000);

  // Linux shows a process's open files in /proc; elsewhere there is nothing to count.
  it.skipIf(!existsSync('/proc/self/fd'))(
    'runs the handlers and the engine on one library, closed and opened again by a move',
    async () => {
      // Nothing is ingested: the library's WAL checkpointer, which an ingest starts, keeps a
      // connection of its own that would be counted too.
      const { api, engine, root } = await setup();
      expect(engine.running).toBe(true);
      const gallery = await api.call('library.gallery', { account: 'all' });
      expect(gallery.ok && gallery.value.items).toEqual([]);
      const before = indexPath(join(root, 'library'));
      expect(openConnections(before)).toBe(1);

      const moved = await api.call('settings.moveLibrary', { folder: join(root, 'moved') });
      expect(moved.ok).toBe(true);
      expect(engine.running).toBe(true);
      await api.call('library.stats', {});
      expect(openConnections(before)).toBe(0);
      expect(openConnections(indexPath(join(root, 'moved')))).toBe(1);
    },
    60_000,
  );
});
