// The sync engine's state in the library (sync-state.ts, migration 11): libraries of the version
// before, with and without the tables the engine used to create on first use, and files.hold, the
// column that replaced matching error texts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../src/core/library/database';
import { migration011 } from '../../../src/core/library/migrations/011-sync-state';
import { FILE_HOLDS, openLibrary, tokenFingerprint } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { indexPath } from '../../../src/core/library/paths';
import { BIG, tempFolder } from './helpers';
import { makeSnapshot } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempFolder()));
afterEach(() => cleanup());

/** What SyncStore ran on every construction before this migration (copied from it as it was). */
const TABLES_OF_OLD_ENGINES = `
  CREATE TABLE IF NOT EXISTS sync_task_state (
    task_id TEXT PRIMARY KEY,
    first_seen_at INTEGER NOT NULL,
    not_found INTEGER NOT NULL DEFAULT 0,
    given_up TEXT
  );
  CREATE TABLE IF NOT EXISTS sync_account_pause (
    email TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    token_hash TEXT NOT NULL
  );
`;

const REFUSED =
  'watermark-free copy refused (HTTP 402: Subscription required); the watermarked copy is not kept, as the settings ask';
const NOT_AVAILABLE =
  'watermark-free copy not available (HTTP 503: busy); the watermarked copy is not kept, as the settings ask';

/** The version before the engine's tables joined the schema. */
const BEFORE = migration011.version - 1;

/** An index of the version before, with two accounts, a task each, and failed files of every kind of failure. */
function libraryBeforeSyncState(): Database {
  const old = openDatabase(indexPath(dir), { targetVersion: BEFORE });
  expect(old.pragma('user_version', { simple: true })).toBe(BEFORE);
  old.exec(`INSERT INTO accounts(id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');
    INSERT INTO tasks(id, task_id, account_id, phase, final) VALUES
      (1, '${BIG(1)}', 1, 'succeeded', 1), (2, '${BIG(2)}', 2, 'succeeded', 1);`);
  const file = old.prepare(`INSERT INTO files(task_id, kind, source_url, rel_path, state, error)
    VALUES (?, 'video', 'https://cdn/x.mp4', ?, ?, ?)`);
  file.run(1, 'a/refused.mp4', 'failed', REFUSED);
  file.run(1, 'a/refused-2.mp4', 'failed', REFUSED);
  file.run(1, 'a/not-available.mp4', 'failed', NOT_AVAILABLE);
  file.run(1, 'a/forbidden.mp4', 'failed', 'HTTP 403');
  file.run(2, 'b/refused.mp4', 'failed', REFUSED);
  file.run(2, 'b/done.mp4', 'done', null);
  return old;
}

const holds = (library: Library) =>
  Object.fromEntries(
    library.db
      .prepare<[], { rel_path: string; hold: string | null }>('SELECT rel_path, hold FROM files ORDER BY id')
      .all()
      .map((row) => [row.rel_path, row.hold]),
  );

const states = (library: Library) =>
  Object.fromEntries(
    library.db
      .prepare<[], { rel_path: string; state: string }>('SELECT rel_path, state FROM files ORDER BY id')
      .all()
      .map((row) => [row.rel_path, row.state]),
  );

describe('migration 11: the engine state tables', () => {
  it('keeps the rows of a library whose engine had already created them', () => {
    const old = libraryBeforeSyncState();
    old.exec(TABLES_OF_OLD_ENGINES);
    old.exec(`INSERT INTO sync_task_state(task_id, first_seen_at, not_found, given_up) VALUES
        ('${BIG(1)}', 1700000000000, 2, 'stale'), ('${BIG(2)}', 1700000001000, 0, 'cancelled'),
        ('${BIG(3)}', 1700000002000, 1, NULL);
      INSERT INTO sync_account_pause(email, reason, token_hash) VALUES
        ('a@example.com', 'unauthorized', '${tokenFingerprint('old-token')}'),
        ('b@example.com', 'payment_required', 'ffffffffffffffff');`);
    old.close();

    const library = openLibrary(dir, { sidecars: false });
    const state = library.syncState;
    expect(state.firstSeen(BIG(1), 1800000000000)).toBe(1700000000000);
    expect(state.notFoundCount(BIG(1))).toBe(2);
    expect(state.givenUp(BIG(1))).toBe('stale');
    expect(state.givenUp(BIG(2))).toBe('cancelled');
    expect(state.notFoundCount(BIG(3))).toBe(1);
    expect(state.givenUp(BIG(3))).toBeNull();
    expect(state.pause('a@example.com')).toEqual({
      reason: 'unauthorized',
      tokenHash: tokenFingerprint('old-token'),
    });
    expect(state.pause('b@example.com')).toEqual({
      reason: 'payment_required',
      tokenHash: 'ffffffffffffffff',
    });
    // Nothing is left of the old shape: one table each, the constrained one.
    const tables = library.db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'sync%'",
      )
      .all()
      .map((row) => row.name)
      .sort();
    expect(tables).toEqual(['sync_account_pause', 'sync_task_state']);
    library.close();
  });

  it('creates them in a library that never had them', () => {
    libraryBeforeSyncState().close();
    const library = openLibrary(dir, { sidecars: false });
    const state = library.syncState;
    expect(state.givenUp(BIG(1))).toBeNull();
    expect(state.pause('a@example.com')).toBeNull();
    state.setGiveUp(BIG(1), 'cancelled', 1800000000000);
    state.setPaused('a@example.com', 'unauthorized', tokenFingerprint('t'));
    expect(state.givenUp(BIG(1))).toBe('cancelled');
    expect(state.firstSeen(BIG(1), 1900000000000)).toBe(1800000000000);
    expect(state.pause('a@example.com')?.reason).toBe('unauthorized');
    library.close();
  });

  it('takes only the closed sets of values; an unknown one from before is followed again', () => {
    const old = libraryBeforeSyncState();
    old.exec(TABLES_OF_OLD_ENGINES);
    old.exec(`INSERT INTO sync_task_state(task_id, first_seen_at, given_up) VALUES ('${BIG(1)}', 5, 'bored');
      INSERT INTO sync_account_pause(email, reason, token_hash) VALUES ('a@example.com', 'sulking', 'x');`);
    old.close();
    const library = openLibrary(dir, { sidecars: false });
    expect(library.syncState.givenUp(BIG(1))).toBeNull();
    expect(library.syncState.firstSeen(BIG(1), 99)).toBe(5);
    expect(library.syncState.pause('a@example.com')).toBeNull();
    const db = library.db;
    expect(() => db.prepare("UPDATE sync_task_state SET given_up = 'bored'").run()).toThrow(
      /CHECK constraint/,
    );
    expect(() =>
      db.prepare("INSERT INTO sync_account_pause VALUES ('c@example.com', 'sulking', 'x')").run(),
    ).toThrow(/CHECK constraint/);
    library.close();
  });
});

describe('migration 11: files.hold', () => {
  it('is filled from the error texts of refused and not-kept files; other failures hold nothing', () => {
    libraryBeforeSyncState().close();
    const library = openLibrary(dir, { sidecars: false });
    expect(holds(library)).toEqual({
      'a/refused.mp4': 'refused',
      'a/refused-2.mp4': 'refused',
      'a/not-available.mp4': 'not_kept',
      'a/forbidden.mp4': null,
      'b/refused.mp4': 'refused',
      'b/done.mp4': null,
    });
    // The error text stays, for people.
    expect(library.files.forTask(BIG(1))[0]?.error).toBe(REFUSED);
    library.close();
  });

  it('carries the engine on as before: held again but for one per account, released by account or by the settings', () => {
    libraryBeforeSyncState().close();
    const library = openLibrary(dir, { sidecars: false });
    const state = library.syncState;
    // A new run: every failed file back in the queue, then refused ones held, but for one per account.
    library.files.retryFailed(1);
    expect(state.holdRefused(2)).toBe(1);
    expect(states(library)).toMatchObject({
      'a/refused.mp4': 'pending',
      'a/refused-2.mp4': 'failed',
      'a/not-available.mp4': 'pending',
      'a/forbidden.mp4': 'pending',
      'b/refused.mp4': 'pending',
    });
    // The probe of account a is refused again: held, its attempt given back.
    const [probe] = library.claimFiles(1);
    expect(probe?.relativePath).toBe('a/refused.mp4');
    state.fileRefused(probe!.id, REFUSED, 3);
    expect(holds(library)['a/refused.mp4']).toBe('refused');
    // Account b obtained a watermark-free copy: its refused files are asked again, a's stay.
    library.recordFileFailed(
      library.claimFiles(10).find((f) => f.relativePath === 'b/refused.mp4')!.id,
      REFUSED,
      'refused',
    );
    expect(state.requeueRefused('b@example.com', 4)).toBe(1);
    expect(states(library)['a/refused.mp4']).toBe('failed');
    // The settings keep the watermarked copy now: every held file is queued, ordinary failures are not.
    library.recordFileFailed(library.files.forTask(BIG(1))[3]!.id, 'HTTP 403');
    expect(state.requeueNotKept(5)).toBe(2);
    expect(holds(library)).toMatchObject({ 'a/refused.mp4': null, 'a/refused-2.mp4': null });
    expect(states(library)['a/forbidden.mp4']).toBe('failed');
    library.close();
  });

  it('takes only the closed set of holds', () => {
    const library = openLibrary(dir, { sidecars: false });
    library.ingest(makeSnapshot('a@example.com', { taskId: BIG(1) }));
    const [file] = library.createFileRows(BIG(1));
    const setHold = library.db.prepare<[string, number]>('UPDATE files SET hold = ? WHERE id = ?');
    for (const hold of FILE_HOLDS) setHold.run(hold, file!.id);
    expect(() => setHold.run('refused-ish', file!.id)).toThrow(/CHECK constraint/);
    library.close();
  });
});

describe('the hold follows the file', () => {
  it('set by a refusal or a not-kept failure, kept while waiting, cleared by the claim, a success or a retry', () => {
    const library = openLibrary(dir, { sidecars: false });
    library.ingest(makeSnapshot('a@example.com', { taskId: BIG(1) }));
    library.createFileRows(BIG(1));
    const [first, second] = library.claimFiles(2);
    library.syncState.fileRefused(first!.id, REFUSED, 1);
    library.recordFileFailed(second!.id, NOT_AVAILABLE, 'not_kept');
    expect(Object.values(holds(library)).slice(0, 2)).toEqual(['refused', 'not_kept']);
    // A retry timer puts it back in the queue with its reason; the claim clears both.
    library.syncState.filePending(second!.id, 2);
    expect(library.files.get(second!.id)?.error).toBe(NOT_AVAILABLE);
    library.claimFiles(5);
    expect(holds(library)[second!.relativePath]).toBeNull();
    // A task retry clears the refusal.
    expect(library.syncState.retryTaskFiles(BIG(1), 3)).toBeGreaterThan(0);
    expect(holds(library)[first!.relativePath]).toBeNull();
    library.close();
  });
});
