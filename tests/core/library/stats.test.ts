import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { openDatabase } from '../../../src/core/library/database';
import { indexPath } from '../../../src/core/library/paths';
import { TASK_COUNT_FOLD_AT } from '../../../src/core/library/reports';
import type { LibraryStats } from '../../../src/shared/domain/library';
import { LibraryStatsSchema } from '../../../src/shared/domain/library';
import { BIG, tempFolder } from './helpers';
import { makeSnapshot } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
let library: Library;
beforeEach(() => ({ dir, cleanup } = tempFolder()));
afterEach(() => {
  library?.close();
  cleanup();
});

const ACCOUNTS = ['a@example.com', 'b@example.com'];
const SHA = 'f'.repeat(64);

/** The statistics counted the slow way, straight from the rows. */
function bruteForce(lib: Library): LibraryStats {
  const db = lib.db;
  const files = { pending: 0, downloading: 0, done: 0, failed: 0, missing: 0 };
  for (const row of db.prepare('SELECT state, count(*) AS n FROM files GROUP BY state').all() as Array<{
    state: keyof typeof files;
    n: number;
  }>)
    files[row.state] = row.n;
  const accounts = (
    db.prepare('SELECT id, email, label FROM accounts ORDER BY email').all() as Array<{
      id: number;
      email: string;
      label: string | null;
    }>
  ).map((account) => ({
    email: account.email,
    label: account.label,
    tasks: (
      db.prepare('SELECT count(*) AS n FROM tasks WHERE account_id = ?').get(account.id) as { n: number }
    ).n,
    works: (
      db.prepare('SELECT count(*) AS n FROM works WHERE account_id = ?').get(account.id) as { n: number }
    ).n,
    bytes: (
      db
        .prepare(
          `SELECT coalesce(sum(f.bytes), 0) AS n FROM files f JOIN tasks t ON t.id = f.task_id
           WHERE f.state = 'done' AND t.account_id = ?`,
        )
        .get(account.id) as { n: number }
    ).n,
  }));
  return {
    tasks: accounts.reduce((sum, a) => sum + a.tasks, 0),
    works: accounts.reduce((sum, a) => sum + a.works, 0),
    bytes: accounts.reduce((sum, a) => sum + a.bytes, 0),
    files,
    accounts,
  };
}

function expectCounted(lib: Library) {
  const stats = lib.stats();
  expect(LibraryStatsSchema.safeParse(stats).success).toBe(true);
  expect(stats).toEqual(bruteForce(lib));
}

const snapshot = (i: number, createTime = 1_740_000_000_000 + i * 60_000) =>
  makeSnapshot(ACCOUNTS[i % 2] as string, {
    taskId: BIG(i * 10),
    workIds: [BIG(i * 10 + 1), BIG(i * 10 + 2)],
    createTime,
    prompt: `a lighthouse number ${i}`,
  });

describe('library statistics kept by counters', () => {
  it('stay equal to a count of the rows across file inserts, updates, deletes and task removals', () => {
    library = openLibrary(dir, { sidecars: false });
    library.ingestMany(Array.from({ length: 6 }, (_, i) => snapshot(i)));
    library.addPendingTask(ACCOUNTS[1] as string, BIG(9999));
    expectCounted(library);

    // Planned files (pending), claimed (downloading), progress, done, failed, missing.
    const rows = [0, 1, 2, 3].flatMap((i) => library.createFileRows(BIG(i * 10)));
    expect(rows.length).toBeGreaterThan(8);
    expectCounted(library);
    const claimed = library.claimFiles(6);
    expectCounted(library);
    library.recordFileProgress(claimed[0]!.id, 10, 500);
    library.recordFileProgress(claimed[0]!.id, 20, 500); // same total: no counter change
    expectCounted(library);
    claimed.slice(0, 4).forEach((file, n) => library.recordFileDone(file.id, 1000 * (n + 1), SHA, null));
    library.recordFileFailed(claimed[4]!.id, 'HTTP 403');
    library.files.recordMissing(claimed[5]!.id, 'gone', Date.now());
    expectCounted(library);
    // A re-download of a done file with another size.
    library.recordFileDone(claimed[0]!.id, 4242, SHA, 'watermarked');
    expect(library.stats().bytes).toBeGreaterThan(0);
    expectCounted(library);

    // Rows deleted directly, and by the cascade of a work's deletion.
    library.db.prepare('DELETE FROM files WHERE id = ?').run(claimed[1]!.id);
    expectCounted(library);
    library.db.prepare('DELETE FROM works WHERE work_id = ?').run(BIG(2 * 10 + 1));
    expectCounted(library);

    // A removal: the task, its works and files go by cascade.
    expect(library.removeTask(BIG(0))).not.toBeNull();
    expectCounted(library);
    expect(library.removeTask(BIG(10))).not.toBeNull();
    expectCounted(library);
    library.db.prepare('DELETE FROM tasks WHERE task_id = ?').run(BIG(9999));
    expectCounted(library);

    // A task moved to another account takes its files' counts along.
    const other = library.db.prepare('SELECT id FROM accounts WHERE email = ?').get(ACCOUNTS[0]) as {
      id: number;
    };
    library.db.prepare('UPDATE tasks SET account_id = ? WHERE task_id = ?').run(other.id, BIG(30));
    expectCounted(library);
  });

  it('count tasks added after the last fold, fold past the bound, and survive reusing the last rowid', () => {
    library = openLibrary(dir, { sidecars: false });
    library.ingestMany(Array.from({ length: 3 }, (_, i) => snapshot(i)));
    expectCounted(library);
    const mark = () =>
      (library.db.prepare('SELECT upto FROM task_counts_mark').get() as { upto: number }).upto;
    expect(mark()).toBe(0); // counted at read time, not folded yet

    // The newest task removed: the next one takes its rowid again and must still be counted.
    const last = library.db.prepare('SELECT max(id) AS id FROM tasks').get() as { id: number };
    library.removeTask(BIG(20));
    library.ingest(snapshot(50));
    expect((library.db.prepare('SELECT max(id) AS id FROM tasks').get() as { id: number }).id).toBe(last.id);
    expectCounted(library);

    // Past the bound, stats() folds the new tasks into the counters.
    library.ingestMany(Array.from({ length: TASK_COUNT_FOLD_AT + 5 }, (_, i) => snapshot(100 + i)));
    expectCounted(library);
    const folded = mark();
    expect(folded).toBe((library.db.prepare('SELECT max(id) AS id FROM tasks').get() as { id: number }).id);

    // Removing a counted task, then the newest ones, then adding again.
    library.removeTask(BIG(1000));
    expectCounted(library);
    for (let i = 0; i < 3; i += 1) library.removeTask(BIG((100 + TASK_COUNT_FOLD_AT + 4 - i) * 10));
    expect(mark()).toBeLessThan(folded);
    library.ingest(snapshot(5000));
    library.addPendingTask(ACCOUNTS[0] as string, BIG(77_777));
    expectCounted(library);

    // Inside a caller's transaction it reads the same and writes nothing.
    library.ingestMany(Array.from({ length: TASK_COUNT_FOLD_AT + 1 }, (_, i) => snapshot(9000 + i)));
    const before = mark();
    library.db.transaction(() => expect(library.stats()).toEqual(bruteForce(library)))();
    expect(mark()).toBe(before);
    expectCounted(library);
  });

  it('are backfilled when a version 5 library with tasks and files is migrated', () => {
    const old = openDatabase(indexPath(dir), { targetVersion: 5 });
    old.exec(`INSERT INTO accounts (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com')`);
    const task = old.prepare(
      'INSERT INTO tasks (id, task_id, account_id, phase, final) VALUES (?, ?, ?, ?, 1)',
    );
    task.run(1, BIG(1), 1, 'succeeded');
    task.run(2, BIG(2), 2, 'succeeded');
    task.run(3, BIG(3), 2, 'failed');
    const file = old.prepare(
      'INSERT INTO files (task_id, kind, rel_path, bytes, state) VALUES (?, ?, ?, ?, ?)',
    );
    file.run(1, 'video', 'a/1.mp4', 1000, 'done');
    file.run(1, 'cover', 'a/1.cover.jpg', 50, 'done');
    file.run(2, 'video', 'b/2.mp4', 7000, 'done');
    file.run(2, 'input', 'b/input.jpg', null, 'pending');
    file.run(2, 'cover', 'b/2.cover.jpg', 30, 'failed');
    old.close();

    library = openLibrary(dir, { sidecars: false });
    const stats = library.stats();
    expect(stats).toMatchObject({
      tasks: 3,
      bytes: 8050,
      files: { pending: 1, downloading: 0, done: 3, failed: 1, missing: 0 },
    });
    expect(stats.accounts.map((a) => [a.email, a.tasks, a.bytes])).toEqual([
      ['a@example.com', 1, 1050],
      ['b@example.com', 2, 7000],
    ]);
    expectCounted(library);
    // And kept from there on.
    library.ingest(snapshot(1));
    library.removeTask(BIG(1));
    library.db.prepare("UPDATE files SET state = 'done', bytes = 10 WHERE rel_path = 'b/input.jpg'").run();
    expectCounted(library);
  });
});
