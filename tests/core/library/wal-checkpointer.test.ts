import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import { indexPath } from '../../../src/core/library/paths';
import { WalCheckpointer } from '../../../src/core/library/wal-checkpointer';
import { makeSnapshot } from './fixtures/snapshots';
import { tempFolder } from './helpers';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempFolder()));
afterEach(() => cleanup());

const autocheckpoint = (db: BetterSqlite3.Database) => db.pragma('wal_autocheckpoint', { simple: true });

/** A WAL database with a table, as the library's index is. */
function walDatabase(): BetterSqlite3.Database {
  const db = new BetterSqlite3(path.join(dir, 'test.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return db;
}

/** Writes ~`pages` pages to the WAL in one transaction. */
function writePages(db: BetterSqlite3.Database, pages: number): void {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < pages; i += 1) insert.run('x'.repeat(3000) + i);
  })();
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WalCheckpointer', () => {
  it('copies the WAL into the database from its own thread while the writer never checkpoints', async () => {
    const db = walDatabase();
    const checkpointer = new WalCheckpointer(db, 60_000);
    expect(autocheckpoint(db)).toBe(0);
    const mainFile = path.join(dir, 'test.sqlite');

    // Well past SQLite's 1,000-page automatic checkpoint, which the writer no longer runs.
    writePages(db, 1500);
    checkpointer.nudge();
    await until(() => statSync(mainFile).size > 1500 * 3000, 'the rows reach the database file');
    // Everything in the WAL was copied: a checkpoint now has nothing left to do.
    await until(() => {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      return result!.log === result!.checkpointed;
    }, 'the WAL is fully checkpointed');
    expect(checkpointer.failed).toBe(false);

    checkpointer.stop();
    expect(autocheckpoint(db)).toBe(1000);
    db.close();
    // The writer's close was the last connection: it removed the WAL.
    expect(existsSync(`${mainFile}-wal`)).toBe(false);
    expect(new BetterSqlite3(mainFile).prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1500 });
  });

  it('hands checkpoints back to SQLite when its worker cannot open the database', async () => {
    const db = walDatabase();
    // Its file is gone (the connection keeps its open handle): the worker's own open fails.
    rmSync(path.join(dir, 'test.sqlite'));
    const checkpointer = new WalCheckpointer(db, 10);
    await until(() => checkpointer.failed && autocheckpoint(db) === 1000, 'the writer checkpoints again');
    checkpointer.stop();
    db.close();
  });

  it('serves the library: bulk ingest leaves a consistent index, and closing removes the WAL', () => {
    const library = openLibrary(dir, { sidecars: false });
    const inputs = Array.from({ length: 3000 }, (_, i) =>
      makeSnapshot('me@example.com', { taskId: String(1000 + i), workIds: [String(500_000 + i)] }),
    );
    for (let i = 0; i < inputs.length; i += 500) library.ingestMany(inputs.slice(i, i + 500));
    expect(autocheckpoint(library.db)).toBe(0);
    expect(library.db.pragma('integrity_check', { simple: true })).toBe('ok');
    library.close();
    expect(existsSync(`${indexPath(dir)}-wal`)).toBe(false);

    const reopened = openLibrary(dir, { sidecars: false });
    expect(reopened.db.prepare('SELECT count(*) AS n FROM works').get()).toEqual({ n: 3000 });
    expect(reopened.gallery({ text: 'dancing' }).items.length).toBeGreaterThan(0);
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  });
});
