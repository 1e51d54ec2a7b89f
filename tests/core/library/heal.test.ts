// A damaged index heals itself: a real SQLite file with garbage written over some of its pages (or
// its header), a real library folder, and the journal that keeps what only the index knew.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  healDamagedLibrary,
  isCorruptionError,
  openCheckedLibrary,
  openLibrary,
  quickCheck,
} from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { indexPath, journalPath } from '../../../src/core/library/paths';
import { overwriteIndexPages } from './corrupt-pages';
import { ACCOUNT, BIG, tempFolder } from './helpers';
import { makeSnapshot } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
const open: Library[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempFolder('kling-heal-'));
});
afterEach(() => {
  for (const library of open.splice(0)) library.close();
  cleanup();
});

const keep = (library: Library) => (open.push(library), library);

/** Two archived tasks (one video work each, files on disk), one removed task, one id added unanswered. */
function fillLibrary(library: Library) {
  for (const n of [1, 2, 3]) {
    library.ingest(
      makeSnapshot(ACCOUNT, {
        taskId: BIG(n * 10),
        workIds: [BIG(n * 10 + 1)],
        createTime: Date.UTC(2025, 3, n, 12),
        prompt: `scene number ${n}`,
      }),
    );
    library.createFileRows(BIG(n * 10));
  }
  for (const file of library.claimFiles(1000)) {
    const absolute = library.absolutePath(file.relativePath);
    mkdirSync(path.dirname(absolute), { recursive: true });
    const content = Buffer.from(`bytes of ${file.relativePath}`);
    writeFileSync(absolute, content);
    library.recordFileDone(file.id, content.length, createHash('sha256').update(content).digest('hex'), null);
  }
  expect(library.setFavorite(BIG(11), true)).toBe(true);
  expect(library.removeTask(BIG(30))).not.toBeNull();
  expect(library.addPendingTask(ACCOUNT, BIG(40))).toBe(true);
}

const overwritePages = (tables: string[] | 'header') => overwriteIndexPages(dir, tables);

function expectStateKept(library: Library) {
  expect(library.workDetail(BIG(11))?.work.favorite).toBe(true);
  expect(library.workDetail(BIG(21))?.work.favorite).toBe(false);
  expect(library.task(BIG(30))).toBeNull();
  // Still removed: a late answer for it stores nothing.
  const late = makeSnapshot(ACCOUNT, {
    taskId: BIG(30),
    workIds: [BIG(31)],
    createTime: Date.UTC(2025, 3, 3, 12),
  });
  expect(library.ingest(late).outcome).toBe('removed');
  // The id added before any answer is still waiting to be polled.
  expect(library.task(BIG(40))).toMatchObject({ task_id: BIG(40), email: ACCOUNT });
  expect(library.stats().works).toBe(2);
}

describe('a damaged index heals itself on opening', () => {
  it('rebuilds an index with overwritten pages from the folder, favorites, removals and added ids kept', async () => {
    const first = await openCheckedLibrary(dir);
    expect(first.healed).toBeNull();
    fillLibrary(first.library);
    first.library.close();

    overwritePages(['works', 'tasks', 'files']);
    const { library, healed } = await openCheckedLibrary(dir);
    keep(library);
    expect(healed).not.toBeNull();
    expect(healed!.message).toMatch(
      /^The library index was damaged \(.+\) and has been rebuilt from the folder: 2 task\(s\), 2 work\(s\), .*1 favorite\(s\), 1 removal\(s\), 1 id\(s\) waiting/,
    );
    expect(healed!.message).not.toMatch(/\n/);
    expect(existsSync(healed!.rebuild.previousIndex!)).toBe(true);
    expectStateKept(library);
    expect(quickCheck(library.db).ok).toBe(true);
    // The files on disk were hashed again: all of them are recorded as archived.
    expect(healed!.rebuild.filesPresent).toBe(library.stats().files.done);
  });

  it('rebuilds an index whose header was overwritten (not a database any more)', async () => {
    const first = await openCheckedLibrary(dir);
    fillLibrary(first.library);
    first.library.close();

    overwritePages('header');
    const { library, healed } = await openCheckedLibrary(dir);
    keep(library);
    expect(healed?.cause).toMatch(/not a database/);
    expectStateKept(library);
  });

  it('keeps the favorites of a library made before the journal existed', async () => {
    const before = openLibrary(dir, { journal: false });
    fillLibrary(before);
    before.close();
    expect(existsSync(journalPath(dir))).toBe(false);

    // The first checked opening writes the journal from the (healthy) index.
    const first = await openCheckedLibrary(dir);
    expect(first.healed).toBeNull();
    first.library.close();
    expect(existsSync(journalPath(dir))).toBe(true);

    overwritePages(['works']);
    const { library, healed } = await openCheckedLibrary(dir);
    keep(library);
    expect(healed).not.toBeNull();
    expectStateKept(library);
  });

  it('keeps a work unmarked that the service lists as favored, and skips a torn journal line', async () => {
    const first = await openCheckedLibrary(dir);
    const library = first.library;
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(50), workIds: [BIG(51)], favored: true }));
    expect(library.workDetail(BIG(51))?.work.favorite).toBe(true);
    library.setFavorite(BIG(51), false);
    library.close();
    appendFileSync(journalPath(dir), '{"op":"favorite","workId":"12'); // a crash mid-line

    overwritePages(['works']);
    const healed = await openCheckedLibrary(dir);
    keep(healed.library);
    expect(healed.healed?.rebuild.journal.unreadable).toBe(1);
    expect(healed.healed?.message).toMatch(/lost: .*1 unreadable journal line/);
    expect(healed.library.workDetail(BIG(51))?.work.favorite).toBe(false);
  });
});

describe('a corruption error met later', () => {
  it('marks the library damaged and calls back once; healing it then keeps the favorites', async () => {
    const first = await openCheckedLibrary(dir);
    fillLibrary(first.library);
    first.library.close();
    overwritePages(['works']);

    // A check with no time left passes (nothing checked beyond the schema): the damage shows later.
    const errors: Error[] = [];
    const { library, healed } = await openCheckedLibrary(dir, {
      quickCheck: { budgetMs: 0 },
      onCorruption: (error) => errors.push(error),
    });
    expect(healed).toBeNull();
    expect(library.damaged).toBeNull();
    expect(() => library.gallery({})).toThrow(/malformed/);
    expect(() => library.facets()).not.toThrow(); // other tables still read
    expect(() => library.gallery({ text: 'scene' })).toThrow();
    expect(errors).toHaveLength(1);
    expect(isCorruptionError(errors[0])).toBe(true);
    expect(library.damaged).toBe(errors[0]);

    const report = await healDamagedLibrary(library);
    expect(library.db.open).toBe(false);
    expect(report.message).toMatch(/damaged \(database disk image is malformed\)/);
    const reopened = keep(openLibrary(dir));
    expectStateKept(reopened);
  });
});

describe('the quick check', () => {
  it('checks tables one at a time until its time is spent', () => {
    const library = keep(openLibrary(dir));
    let clock = 0;
    const result = quickCheck(library.db, { budgetMs: 1000, now: () => (clock += 400) });
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(0);
    expect(result.skipped).toBeGreaterThan(0);
    const whole = quickCheck(library.db);
    expect(whole).toMatchObject({ ok: true, skipped: 0 });
  });

  it('names what SQLite found', () => {
    const library = openLibrary(dir);
    fillLibrary(library);
    library.close();
    overwritePages(['files']);
    const db = new BetterSqlite3(indexPath(dir));
    try {
      const result = quickCheck(db);
      expect(result.ok).toBe(false);
      expect(result.problem).toMatch(/page|malformed/);
    } finally {
      db.close();
    }
  });

  it('tells corruption errors from others', () => {
    expect(isCorruptionError(Object.assign(new Error('x'), { code: 'SQLITE_CORRUPT_INDEX' }))).toBe(true);
    expect(
      isCorruptionError(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' })),
    ).toBe(true);
    expect(
      isCorruptionError(new Error('wrapped', { cause: new Error('database disk image is malformed') })),
    ).toBe(true);
    expect(isCorruptionError(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isCorruptionError('database disk image is malformed')).toBe(false);
  });
});
