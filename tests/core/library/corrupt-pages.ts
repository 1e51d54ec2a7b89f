// Damaging a real index file the way a bad disk or a sync tool can: garbage over whole pages.
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
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
