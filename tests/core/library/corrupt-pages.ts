// Damaging a real index file the way a bad disk or a sync tool can: garbage over whole pages.
import { closeSync, existsSync, openSync, readSync, writeSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { indexPath } from '../../../src/core/library/paths';

/**
 * Writes garbage over the root pages of these tables, or over page 1 (the header) with 'header'.
 * The library must be closed (its close leaves everything in the main file, no WAL).
 */
export function overwriteIndexPages(libraryRoot: string, tables: string[] | 'header'): void {
  const file = indexPath(libraryRoot);
  let pages: number[] = [1];
  let pageSize = 4096;
  if (tables !== 'header') {
    // Read-write, so that its close removes the WAL again.
    const db = new BetterSqlite3(file);
    pageSize = db.pragma('page_size', { simple: true }) as number;
    pages = tables.map(
      (name) => db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck().get(name) as number,
    );
    db.close();
  }
  if (existsSync(`${file}-wal`)) throw new Error('the index is still open: its WAL is there');
  const fd = openSync(file, 'r+');
  try {
    for (const page of pages) writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

/**
 * Frees some pages (a table filled and dropped), then writes garbage over the free list's first
 * trunk page: the tables all read well, and the damage shows only when a write takes a free page.
 */
export function damageFreeList(libraryRoot: string): void {
  const file = indexPath(libraryRoot);
  const db = new BetterSqlite3(file);
  db.exec('CREATE TABLE scratch (x BLOB)');
  const insert = db.prepare('INSERT INTO scratch VALUES (randomblob(3000))');
  db.transaction(() => {
    for (let i = 0; i < 200; i += 1) insert.run();
  })();
  db.exec('DROP TABLE scratch');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  if (existsSync(`${file}-wal`)) throw new Error('the index is still open: its WAL is there');
  const fd = openSync(file, 'r+');
  try {
    const header = Buffer.alloc(4);
    readSync(fd, header, 0, 4, 32); // the first free list trunk page
    const trunk = header.readUInt32BE(0);
    if (trunk === 0) throw new Error('no free pages to damage');
    writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (trunk - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}
