// tasks.add through the contract with several accounts (the simulator over real HTTP, the real sync
// engine, a real library): without an account each id goes to the account that owns it; an id
// already in the library says which account it is filed under.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHeadlessApi } from '../../../src/server/headless';
import { startSimulator, TOKENS } from '../../../src/sim';
import { waitUntil } from '../../support/wait-until';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const until = (check: () => Promise<boolean>, timeoutMs = 30_000) =>
  waitUntil(check, 'a condition', timeoutMs, 50);

describe('tasks.add with several accounts', () => {
  it('without an account, files each id under its owner; an id already filed says under which account', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kling-task-owner-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const sim = await startSimulator({ scenario: 'multi' });
    cleanups.push(() => sim.close());
    const { api, engine } = createHeadlessApi({
      configDir: join(root, 'config'),
      libraryFolder: join(root, 'library'),
      apiBase: sim.baseUrl,
      env: {},
      version: '0.0.0-test',
      syncEngine: { pollPolicy: { firstPollMs: 20, minIntervalMs: 50 }, requestsPerSecond: 50 },
      // These tests follow where pasted ids are filed; the watcher would bring the histories in too.
      watch: false,
    });
    if (!engine) throw new Error('no engine');
    cleanups.push(async () => {
      await engine.close();
      await api.close();
    });
    engine.start();

    const imported = await api.call('accounts.import', { credentials: { token: TOKENS.multiA } });
    if (!imported.ok) throw new Error(imported.error.message);
    const alice = imported.value.added.find((a) => a.email === 'alice@example.com');
    expect(
      (await api.call('accounts.add', { email: 'carol@example.com', credentials: { token: TOKENS.multiB } }))
        .ok,
    ).toBe(true);
    const list = await api.call('accounts.list', {});
    expect(list.ok && list.value.activeAccountId).toBe(alice?.id);

    const added = await api.call('tasks.add', { taskIds: ['300000001', '400000001'] });
    if (!added.ok) throw new Error(added.error.message);
    expect(added.value).toMatchObject({ accountId: alice?.id, findOwner: true, rejected: [] });
    expect(added.value.accepted).toEqual(['300000001', '400000001']);

    const owners = async () => {
      const page = await api.call('tasks.list', { account: 'all' });
      if (!page.ok) return {};
      return Object.fromEntries(
        page.value.items
          .filter(
            (task) => task.phase === 'succeeded' && task.filesDone === task.filesTotal && task.filesTotal > 0,
          )
          .map((task) => [task.taskId, task.account]),
      );
    };
    await until(async () => Object.keys(await owners()).length === 2);
    expect(await owners()).toEqual({ '300000001': 'bob@example.com', '400000001': 'carol@example.com' });

    // Under a chosen account: the id is already in the library, and the answer says where.
    const again = await api.call('tasks.add', { taskIds: ['300000001'], accountId: alice?.id });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value.findOwner).toBe(false);
    expect(again.value.rejected).toEqual([
      {
        taskId: '300000001',
        reason: 'already_tracked',
        message: 'already in the library, under bob@example.com',
      },
    ]);
  });
});
