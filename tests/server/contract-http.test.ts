/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers over HTTP, checked by the assertions */
// The whole contract end to end through the headless server over real HTTP: a real library (SQLite
// in a temp folder), real settings (conf), the simulator for useapi.net, and every method called.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../src/shared/contract/names';
import { startSimulator, TOKENS } from '../../src/sim';
import type { RunningSimulator } from '../../src/sim';
import { createEngineDouble } from '../core/api/engine-double';
import { collectEvents, FIXTURE_EMAIL, FIXTURE_TASK_ID, FIXTURE_WORK_ID, startHarness } from './harness';

let sim: RunningSimulator;
let h: Awaited<ReturnType<typeof startHarness>>;
const called = new Set<string>();

async function call(method: string, body: unknown) {
  called.add(method);
  return h.call(method, body);
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'multi' });
  h = await startHarness({ apiBase: sim.baseUrl });
});
afterAll(async () => {
  await h.close();
  await sim.close();
});

describe('the contract over HTTP, without the sync engine', () => {
  it('app.info says headless, no engine, no desktop capabilities', async () => {
    const { status, body } = await call('app.info', {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'Kling Archive', mode: 'headless', engine: false });
    expect(body.capabilities).toEqual({ openInFolder: false, dragOut: false, notifications: false });
  });

  it('an empty body counts as {} for methods without input', async () => {
    const response = await fetch(`${h.server.origin}/api/library.stats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kling-archive-key': h.server.secret },
    });
    expect(response.status).toBe(200);
  });

  it('library.gallery lists the seeded work for all accounts and filters by account', async () => {
    const all = await call('library.gallery', { account: 'all' });
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: any) => i.workId)).toEqual([FIXTURE_WORK_ID]);
    const other = await call('library.gallery', { account: 'nobody@example.com' });
    expect(other.body.items).toEqual([]);
    // No active account yet: the default is every account.
    expect((await call('library.gallery', {})).body.items).toHaveLength(1);
    const search = await call('library.gallery', { account: 'all', text: 'dancing' });
    expect(search.status).toBe(200);
  });

  it('library.seek answers the cursor where a jump lands, and refuses a negative position', async () => {
    const top = await call('library.seek', { account: 'all', position: 0 });
    expect(top.status).toBe(200);
    expect(top.body).toEqual({ cursor: null, atEnd: false });
    const past = await call('library.seek', { account: 'all', position: 5 });
    expect(past.body).toEqual({ cursor: null, atEnd: true });
    const bad = await call('library.seek', { position: -1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('position');
  });

  it('library.counts answers per account what the gallery shows, and refuses a bad query', async () => {
    const all = await call('library.counts', {});
    expect(all.status).toBe(200);
    const total = (all.body.accounts as Array<{ count: number }>).reduce(
      (sum, entry) => sum + entry.count,
      0,
    );
    const gallery = await call('library.gallery', { account: 'all', limit: 500 });
    expect(total).toBe(gallery.body.items.length);
    const none = await call('library.counts', { text: 'nothingmatchesthis' });
    expect(none.body).toEqual({ accounts: [] });
    expect((await call('library.counts', { phase: 'dancing' })).status).toBe(400);
    // The account is the split, not a filter; like every input, an unknown field is refused.
    expect((await call('library.counts', { account: 'all' })).status).toBe(400);
  });

  it('library.gallery refuses a bad query with 400 and the reason', async () => {
    const { status, body } = await call('library.gallery', { limit: 0 });
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(/^library\.gallery: limit: /);
  });

  it('library.work answers the detail, 404 for an unknown id, 400 for a non-numeric one', async () => {
    const found = await call('library.work', { workId: FIXTURE_WORK_ID });
    expect(found.status).toBe(200);
    expect(found.body.task.taskId).toBe(FIXTURE_TASK_ID);
    expect((await call('library.work', { workId: '999' })).status).toBe(404);
    const bad = await call('library.work', { workId: '12a' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('library.work: workId: expected a numeric id');
    const huge = await call('library.work', { workId: 123456789 });
    expect(huge.status).toBe(400);
  });

  it('library.facets and library.stats count the library', async () => {
    const facets = await call('library.facets', {});
    expect(facets.status).toBe(200);
    expect(facets.body.total).toBe(1);
    const stats = await call('library.stats', {});
    expect(stats.body.tasks).toBe(1);
    expect((await call('library.stats', { extra: 1 })).status).toBe(400);
  });

  it('library.setFavorite toggles, and 404s an unknown work', async () => {
    expect((await call('library.setFavorite', { workId: FIXTURE_WORK_ID, favorite: true })).body).toEqual({
      workId: FIXTURE_WORK_ID,
      favorite: true,
    });
    const page = await call('library.gallery', { account: 'all', favoritesOnly: true });
    expect(page.body.items).toHaveLength(1);
    expect((await call('library.setFavorite', { workId: '5', favorite: true })).status).toBe(404);
    expect((await call('library.setFavorite', { workId: FIXTURE_WORK_ID })).status).toBe(400);
  });

  it('library.remove needs confirm: true', async () => {
    const refused = await call('library.remove', { taskId: FIXTURE_TASK_ID });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('confirm');
    expect((await call('library.stats', {})).body.tasks).toBe(1);
  });

  it('library.verify checks the files', async () => {
    const { status, body } = await call('library.verify', {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ missing: [], corrupt: [] });
  });

  it('library.openInFolder and library.startDrag are desktop-only (503), after validating input', async () => {
    expect((await call('library.openInFolder', {})).status).toBe(400);
    const open = await call('library.openInFolder', { relativePath: 'a.mp4' });
    expect(open.status).toBe(503);
    expect(open.body.error.message).toMatch(/desktop app/);
    expect((await call('library.startDrag', { relativePath: 'a.mp4' })).status).toBe(503);
  });

  it('tasks.list answers the queue', async () => {
    const { status, body } = await call('tasks.list', { account: 'all' });
    expect(status).toBe(200);
    expect(body.items.map((t: any) => t.taskId)).toEqual([FIXTURE_TASK_ID]);
    expect((await call('tasks.list', { phase: 'exploded' })).status).toBe(400);
  });

  it('engine methods say plainly that the engine is not there yet', async () => {
    for (const [method, input] of [
      ['tasks.add', { taskIds: ['1'] }],
      ['tasks.retry', { taskId: '1' }],
      ['tasks.cancel', { taskId: '1' }],
      ['tasks.redownload', { relativePath: 'x/video.mp4' }],
      ['tasks.syncHistory', {}],
      ['watch.status', {}],
      ['watch.checkNow', {}],
    ] as const) {
      const { status, body } = await call(method, input);
      expect(status, method).toBe(503);
      expect(body.error.message).toMatch(/runs without the sync engine/);
    }
    expect((await call('tasks.add', { taskIds: [] })).status).toBe(400);
    expect((await call('tasks.retry', { taskId: 'x' })).status).toBe(400);
  });

  it('settings.get / settings.update validate and persist', async () => {
    const got = await call('settings.get', {});
    expect(got.body.libraryFolder).toBe(h.libraryDir);
    expect(got.body).not.toHaveProperty('accounts');
    const updated = await call('settings.update', {
      polling: { intervalSeconds: 30 },
      downloads: { watermarkFree: false },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.polling.intervalSeconds).toBe(30);
    expect(updated.body.polling.maxRequestsPerMinute).toBe(got.body.polling.maxRequestsPerMinute);
    expect(updated.body.downloads.watermarkFree).toBe(false);
    const bad = await call('settings.update', { polling: { intervalSeconds: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/polling\.intervalSeconds/);
    expect((await call('settings.update', { libraryFolder: '/tmp' })).status).toBe(400);
    expect((await call('settings.update', { apiBase: 'ftp://x' })).status).toBe(400);
    expect((await call('settings.get', {})).body.polling.intervalSeconds).toBe(30);
  });

  it('accounts: test and import read the emails under a token from useapi.net (the simulator)', async () => {
    const tested = await call('accounts.test', { credentials: { token: TOKENS.multiA } });
    expect(tested.status).toBe(200);
    expect(tested.body.emails.map((e: any) => e.email).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
    expect(tested.body.maskedToken).not.toContain(TOKENS.multiA);
    const refused = await call('accounts.test', { credentials: { token: 'user:999-NotAToken1' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/refused this token/);
    const none = await call('accounts.test', { credentials: { token: TOKENS.multiNone } });
    expect(none.body.emails).toEqual([]);

    const notThere = await call('accounts.import', {
      credentials: { token: TOKENS.multiA },
      emails: ['eve@example.com'],
    });
    expect(notThere.status).toBe(400);
    const imported = await call('accounts.import', { credentials: { token: TOKENS.multiA } });
    expect(imported.status).toBe(200);
    expect(imported.body.added.map((a: any) => a.email).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
    // Both share one stored token.
    expect(new Set(imported.body.added.map((a: any) => a.tokenId)).size).toBe(1);
    const again = await call('accounts.import', { credentials: { tokenId: imported.body.added[0].tokenId } });
    expect(again.body.added).toEqual([]);
    expect(again.body.skipped.sort()).toEqual(['alice@example.com', 'bob@example.com']);
  });

  it('accounts: add, update, switch, list, remove', async () => {
    // The fixture's account lives in the basic scenario: adding it is checked with that server.
    const basic = await startSimulator({ scenario: 'basic' });
    expect((await call('settings.update', { apiBase: basic.baseUrl })).status).toBe(200);
    const added = await call('accounts.add', {
      email: FIXTURE_EMAIL,
      label: 'Main',
      credentials: { token: TOKENS.basic },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ email: FIXTURE_EMAIL, label: 'Main', paused: null });
    expect(added.body.maskedToken).toBe('user:1001…oken');
    const duplicate = await call('accounts.add', {
      email: FIXTURE_EMAIL,
      credentials: { token: TOKENS.basic },
    });
    expect(duplicate.status).toBe(409);
    expect(
      (await call('accounts.add', { email: 'not-an-email', credentials: { token: TOKENS.basic } })).status,
    ).toBe(400);
    expect(
      (await call('accounts.add', { email: 'x@example.com', credentials: { tokenId: 'tnope' } })).status,
    ).toBe(404);

    expect((await call('settings.update', { apiBase: sim.baseUrl })).status).toBe(200);
    await basic.close();

    const renamed = await call('accounts.update', { id: added.body.id, label: 'Studio' });
    expect(renamed.body.label).toBe('Studio');
    expect((await call('accounts.update', { id: 'nope', label: 'x' })).status).toBe(404);

    const switched = await call('accounts.switch', { id: added.body.id });
    expect(switched.body.activeAccountId).toBe(added.body.id);
    // The active account is now the gallery's default filter; "all" is one value away.
    expect((await call('library.gallery', {})).body.items).toHaveLength(1);
    const list = await call('accounts.list', {});
    expect(list.body.accounts).toHaveLength(3);
    expect(list.body.tokens.map((t: any) => t.accounts).sort()).toEqual([1, 2]);

    const bob = list.body.accounts.find((a: any) => a.email === 'bob@example.com');
    await call('accounts.switch', { id: bob.id });
    expect((await call('library.gallery', {})).body.items).toHaveLength(0);
    expect((await call('library.gallery', { account: 'all' })).body.items).toHaveLength(1);

    expect((await call('accounts.remove', { id: bob.id })).body).toEqual({ ok: true });
    const after = await call('accounts.list', {});
    expect(after.body.accounts).toHaveLength(2);
    expect(after.body.activeAccountId).not.toBe(bob.id);
    expect((await call('accounts.remove', { id: bob.id })).status).toBe(404);
  });

  it('settings.moveLibrary moves every file and switches the folder; refuses a non-empty target', async () => {
    const target = path.join(h.dir, 'moved', 'library');
    mkdirSync(path.join(h.dir, 'busy'), { recursive: true });
    writeFileSync(path.join(h.dir, 'busy', 'x'), 'x');
    expect((await call('settings.moveLibrary', { folder: path.join(h.dir, 'busy') })).status).toBe(409);
    expect((await call('settings.moveLibrary', { folder: 'relative/dir' })).status).toBe(400);
    expect((await call('settings.moveLibrary', { folder: path.join(h.libraryDir, 'inner') })).status).toBe(
      400,
    );
    // A folder the system refuses (sysfs takes no new folders, even from root): a user's error in words.
    const refused = await call('settings.moveLibrary', { folder: '/sys/kling-archive-test/library' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^Cannot write to \/sys\/kling-archive-test\/library: /);
    expect(existsSync(h.libraryDir)).toBe(true);
    const before = (await call('library.stats', {})).body;
    const moved = await call('settings.moveLibrary', { folder: target });
    expect(moved.status).toBe(200);
    expect(moved.body.libraryFolder).toBe(target);
    expect(existsSync(h.libraryDir)).toBe(false);
    expect((await call('settings.get', {})).body.libraryFolder).toBe(target);
    expect((await call('library.stats', {})).body).toEqual(before);
  });

  it('library.rebuild rebuilds the index from the sidecars', async () => {
    const { status, body } = await call('library.rebuild', {});
    expect(status).toBe(200);
    expect(body.tasks).toBe(1);
    expect((await call('library.gallery', { account: 'all' })).body.items).toHaveLength(1);
  });

  it('library.remove, confirmed, deletes the task with its sidecar; a rebuild does not bring it back', async () => {
    const folder = (await call('settings.get', {})).body.libraryFolder as string;
    const sidecars = () =>
      readdirSync(folder, { recursive: true }).filter((name) => String(name).endsWith('task.json'));
    expect(sidecars()).toHaveLength(1);
    const removed = await call('library.remove', { taskId: FIXTURE_TASK_ID, confirm: true });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ taskId: FIXTURE_TASK_ID });
    expect((await call('library.stats', {})).body.tasks).toBe(0);
    expect(sidecars()).toHaveLength(0);
    expect((await call('library.remove', { taskId: FIXTURE_TASK_ID, confirm: true })).status).toBe(404);
    expect((await call('library.rebuild', {})).body.tasks).toBe(0);
  });

  it('unknown methods are 404, wrong verbs 405, non-JSON bodies 400', async () => {
    expect((await h.call('library.nope', {})).status).toBe(404);
    const get = await h.raw({ path: '/api/app.info', headers: { 'x-kling-archive-key': h.server.secret } });
    expect(get.status).toBe(405);
    const notJson = await h.raw({
      path: '/api/app.info',
      method: 'POST',
      headers: { 'x-kling-archive-key': h.server.secret, 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body.toString()).error.message).toMatch(/not valid JSON/);
    const form = await h.raw({
      path: '/api/app.info',
      method: 'POST',
      headers: { 'x-kling-archive-key': h.server.secret, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(400);
  });

  it('called every method of the contract', () => {
    expect([...METHOD_NAMES].filter((m) => !called.has(m))).toEqual([]);
  });
});

describe('with an engine attached', () => {
  it('engine methods reach it, tasks.add judges every id, and events arrive over SSE', async () => {
    const engine = createEngineDouble([FIXTURE_TASK_ID]);
    const basic = await startSimulator({ scenario: 'basic' });
    const e = await startHarness({ engine, apiBase: basic.baseUrl });
    const stream = collectEvents(e.server.port, e.server.secret);
    try {
      await stream.open;
      const noAccount = await e.call('tasks.add', { taskIds: ['1'] });
      expect(noAccount.status).toBe(400);
      expect(noAccount.body.error.message).toMatch(/add an account/);
      const account = await e.call('accounts.add', {
        email: FIXTURE_EMAIL,
        credentials: { token: TOKENS.basic },
      });
      const added = await e.call('tasks.add', {
        taskIds: ['111', ' 222 ', '111', 'abc', FIXTURE_TASK_ID, '1.5'],
      });
      expect(added.status).toBe(200);
      expect(added.body.accountId).toBe(account.body.id);
      expect(added.body.accepted).toEqual(['111', '222']);
      expect(added.body.rejected.map((r: any) => [r.taskId, r.reason])).toEqual([
        ['111', 'duplicate_in_batch'],
        ['abc', 'invalid_id'],
        ['1.5', 'invalid_id'],
        [FIXTURE_TASK_ID, 'already_tracked'],
      ]);
      for (const [method, input] of [
        ['tasks.retry', { taskId: '111' }],
        ['tasks.cancel', { taskId: '222' }],
        ['tasks.redownload', { relativePath: 'some/file.mp4' }],
        ['tasks.syncHistory', {}],
      ] as const) {
        expect((await e.call(method, input)).status, method).toBe(200);
      }
      expect((await e.call('tasks.redownload', { relativePath: '../etc/passwd' })).status).toBe(400);
      expect(engine.calls).toContain('retry 111');
      expect(engine.calls).toContain('history creator@example.com');
      // Events the engine emits and events of the handlers themselves, in order, payloads as the contract says.
      engine.bus.emit('download.progress', {
        taskId: '111',
        relativePath: 'a/b.mp4',
        kind: 'video',
        bytesDone: 10,
        bytesTotal: 100,
        // An extra field is dropped by the contract's schema on its way out.
        token: TOKENS.basic,
      } as never);
      const events = await stream.waitFor(5);
      expect(events.map((ev) => ev.name)).toEqual([
        'accounts.changed',
        'task.changed',
        'task.changed',
        'history.progress',
        'download.progress',
      ]);
      expect(events[1]!.data).toEqual({
        taskId: '111',
        account: FIXTURE_EMAIL,
        phase: 'queued',
        final: false,
        message: null,
      });
      expect(events[4]!.raw).not.toContain(TOKENS.basic);
      expect((await e.call('app.info', {})).body.engine).toBe(true);
    } finally {
      stream.close();
      await e.close();
      await basic.close();
    }
  });
});
