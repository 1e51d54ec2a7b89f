// Opens the index database with the settings the library relies on, and brings its schema up to
// date: one transaction for all pending versions, a copy of the file first, and a clear refusal
// of a database written by a newer version of the app.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { bindingOptions } from '../native/binding';
import { LATEST_VERSION, MIGRATIONS } from './migrations';
import type { Migration } from './migrations';

export class LibraryVersionError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This library was written by a newer version of Kling Archive (index version ${found}; ` +
        `this version understands up to ${supported}). Update the app to open it; nothing was changed.`,
    );
    this.name = 'LibraryVersionError';
  }
}

export interface OpenDatabaseOptions {
  /** Where to put the copy taken before migrating an existing database. */
  backupDir?: string;
  /** Stop at this version (tests of older versions). */
  targetVersion?: number;
  /** Migrations to apply (tests); defaults to every shipped one. */
  migrations?: readonly Migration[];
}

export function applyPragmas(db: Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  // Bigger page cache than the 2 MB default: gallery queries touch index pages all over the file.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function backupName(version: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return `index-v${version}-${stamp}.sqlite`;
}

export function migrate(db: Database, options: OpenDatabaseOptions = {}): { from: number; to: number } {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length;
  const target = options.targetVersion ?? latest;
  const from = schemaVersion(db);
  if (from > latest) throw new LibraryVersionError(from, latest);
  if (from >= target) return { from, to: from };

  if (from > 0 && options.backupDir) {
    mkdirSync(options.backupDir, { recursive: true });
    const file = path.join(options.backupDir, backupName(from));
    // VACUUM INTO writes a consistent copy, WAL content included, without closing the database.
    db.prepare('VACUUM INTO ?').run(file);
  }
  const pending = migrations.filter((m) => m.version > from && m.version <= target);
  db.transaction(() => {
    for (const migration of pending) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
  return { from, to: target };
}

/** Opens (creating if needed) a database file and migrates it. Closes it again on any failure. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  // Created for the owner only: the library (when new) and its index hold the person's prompts.
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const existed = existsSync(file) && statSync(file).size > 0;
  const db = new BetterSqlite3(file, bindingOptions());
  try {
    // Refuse a newer schema before touching anything (WAL mode included).
    const found = schemaVersion(db);
    const latest = (options.migrations ?? MIGRATIONS).length;
    if (found > latest) throw new LibraryVersionError(found, latest);
    applyPragmas(db);
    migrate(db, existed ? options : { ...options, backupDir: undefined });
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export { LATEST_VERSION };
