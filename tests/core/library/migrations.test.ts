import { existsSync, readdirSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, LibraryVersionError, openDatabase } from '../../../src/core/library/database';
import { openLibrary } from '../../../src/core/library';
import { MIGRATIONS } from '../../../src/core/library/migrations';
import { backupDir, indexPath } from '../../../src/core/library/paths';
import { ACCOUNT, BIG, tempFolder } from './helpers';
import { makeSnapshot } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempFolder()));
afterEach(() => cleanup());

describe('opening a new library', () => {
  it('creates the index at the latest version with WAL, foreign keys, busy timeout and synchronous=NORMAL', () => {
    const library = openLibrary(dir);
    const db = library.db;
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    library.close();
    expect(existsSync(indexPath(dir))).toBe(true);
    // Nothing to back up for a new database.
    expect(existsSync(backupDir(dir))).toBe(false);
  });

  it('has, from version 4, a nullable files.copy that takes only the two known copies', () => {
    expect(LATEST_VERSION).toBeGreaterThanOrEqual(4);
    const library = openLibrary(dir);
    const db = library.db;
    const column = (db.pragma('table_info(files)') as Array<{ name: string; notnull: number }>).find(
      (c) => c.name === 'copy',
    );
    expect(column).toMatchObject({ notnull: 0 });
    db.prepare("INSERT INTO accounts(id, email) VALUES (1, 'a@example.com')").run();
    db.prepare("INSERT INTO tasks(id, task_id, account_id) VALUES (1, '1', 1)").run();
    const insert = db.prepare("INSERT INTO files(task_id, kind, rel_path, copy) VALUES (1, 'video', ?, ?)");
    insert.run('a.mp4', 'watermark-free');
    insert.run('b.mp4', 'watermarked');
    insert.run('c.mp4', null);
    expect(() => insert.run('d.mp4', 'clean')).toThrow(/CHECK constraint/);
    library.close();
  });
});

describe('migrating from every earlier version', () => {
  for (let from = 1; from < LATEST_VERSION; from += 1) {
    it(`from version ${from}, keeping the data and taking a copy first`, () => {
      // Write a database at version `from` with the migrations of that time, and data in it.
      const old = openDatabase(indexPath(dir), { targetVersion: from });
      expect(old.pragma('user_version', { simple: true })).toBe(from);
      old.prepare("INSERT INTO accounts(id, email) VALUES (1, 'old@example.com')").run();
      old
        .prepare(
          `INSERT INTO tasks(id, task_id, account_id, type, phase, final, prompt, created_at)
        VALUES (1, ?, 1, 'm2v_txt2video_hq', 'succeeded', 1, 'an ancient lighthouse', 1700000000000)`,
        )
        .run(BIG(1));
      old
        .prepare(
          `INSERT INTO works(id, work_id, task_id, created_at, account_id, phase, content_type, duration_ms)
        VALUES (1740800000000000, ?, 1, 1700000000000, 1, 'succeeded', 'video', 5041)`,
        )
        .run(BIG(2));
      // From version 7 on, the code that adds a work writes its search row and facet counts.
      if (from >= 7) {
        old.exec(`INSERT INTO work_search(rowid, prompt, negative_prompt, type)
            VALUES (1740800000000000, 'an ancient lighthouse', NULL, 'm2v_txt2video_hq');
          INSERT INTO work_facets(dimension, value, count) VALUES ('account', '1', 1), ('phase', 'succeeded', 1),
            ('content_type', 'video', 1), ('task_type', '', 1), ('model_version', '', 1), ('favorite', '0', 1);`);
      }
      // From version 8 on, the same code keeps each facet's longest work.
      if (from >= 8) old.exec('UPDATE work_facets SET longest_ms = 5041');
      // Files archived before the app knew which copy it fetched (files exist since version 1).
      const file = old.prepare(
        `INSERT INTO files(task_id, work_id, kind, source_url, rel_path, bytes, bytes_done, sha256, state)
        VALUES (1, 1740800000000000, ?, ?, ?, 1000, 1000, ?, 'done')`,
      );
      file.run(
        'video',
        'https://cdn/v.mp4',
        `old@example.com/2023-11/${BIG(1)}/${BIG(2)}.mp4`,
        'a'.repeat(64),
      );
      file.run(
        'cover',
        'https://cdn/v.jpg',
        `old@example.com/2023-11/${BIG(1)}/${BIG(2)}.cover.jpg`,
        'b'.repeat(64),
      );
      old.close();

      const library = openLibrary(dir);
      expect(library.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      const page = library.gallery({ text: 'lighth' });
      expect(page.items.map((item) => item.workId)).toEqual([BIG(2)]);
      expect(page.items[0]?.taskId).toBe(BIG(1));
      // The files are kept as they were; which copy they are is unknown.
      expect(page.items[0]).toMatchObject({
        mediaPath: `old@example.com/2023-11/${BIG(1)}/${BIG(2)}.mp4`,
        coverPath: `old@example.com/2023-11/${BIG(1)}/${BIG(2)}.cover.jpg`,
        watermarked: null,
      });
      expect(library.files.forTask(BIG(1)).map((f) => [f.kind, f.state, f.bytes, f.sha256, f.copy])).toEqual([
        ['video', 'done', 1000, 'a'.repeat(64), null],
        ['cover', 'done', 1000, 'b'.repeat(64), null],
      ]);
      // A download recorded after the migration says which copy it is.
      const [video] = library.files.forTask(BIG(1));
      library.recordFileDone(video!.id, 2000, 'c'.repeat(64), 'watermarked');
      expect(library.gallery({}).items[0]?.watermarked).toBe(true);
      const facets = library.facets();
      expect(facets.total).toBe(1);
      expect(facets.accounts).toEqual([{ value: 'old@example.com', count: 1 }]);
      // "Longest" under a filter starts at the filter's longest work, counted from the old data.
      expect(library.gallery({ contentType: 'video', sort: 'longest' }).items.map((i) => i.workId)).toEqual([
        BIG(2),
      ]);
      library.close();

      const backups = readdirSync(backupDir(dir));
      expect(backups).toHaveLength(1);
      expect(backups[0]).toMatch(new RegExp(`^index-v${from}-.*\\.sqlite$`));
      const copy = new BetterSqlite3(`${backupDir(dir)}/${backups[0]}`, { readonly: true });
      expect(copy.pragma('user_version', { simple: true })).toBe(from);
      expect(copy.prepare('SELECT count(*) AS n FROM works').get()).toEqual({ n: 1 });
      expect(copy.prepare('SELECT count(*) AS n FROM files').get()).toEqual({ n: 2 });
      copy.close();
    });
  }

  it('applies nothing when a migration fails: the version and the data stay as they were', () => {
    const old = openDatabase(indexPath(dir), { targetVersion: 1 });
    old.close();
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'broken',
        up: () => {
          throw new Error('boom');
        },
      },
    ];
    expect(() => openDatabase(indexPath(dir), { migrations: broken })).toThrow('boom');
    const db = new BetterSqlite3(indexPath(dir));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'work_search'").get()).toEqual({
      n: 0,
    });
    db.close();
  });
});

describe('a database from a newer version of the app', () => {
  it('is refused with a clear message and left untouched', () => {
    const library = openLibrary(dir);
    library.ingest(makeSnapshot(ACCOUNT, { taskId: BIG(1) }));
    library.close();
    const raw = new BetterSqlite3(indexPath(dir));
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`);
    raw.close();
    const before = statSync(indexPath(dir)).mtimeMs;

    let error: unknown;
    try {
      openLibrary(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LibraryVersionError);
    expect((error as Error).message).toMatch(/newer version of Kling Archive.*Update the app/);
    expect(statSync(indexPath(dir)).mtimeMs).toBe(before);
    const check = new BetterSqlite3(indexPath(dir), { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 5);
    expect(check.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 1 });
    check.close();
  });
});
