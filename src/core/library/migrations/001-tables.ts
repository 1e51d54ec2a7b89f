// Version 1: the tables. Internal integer keys keep indexes small; the service's ids are kept as
// exact text beside them. works.id is a time-ordered key (see work-key.ts) so that "newest first"
// is simply the rowid order, for the table and for the search index alike.
import type { Migration } from './types';

// Split into named parts only to keep `up` short: the statements, their order and their text are
// exactly those version 1 shipped with (sqlite_master keeps the text).
/** Accounts, and one row per task with its polling state. */
const ACCOUNTS_AND_TASKS = `
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        label TEXT
      );

      CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL UNIQUE,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        type TEXT,
        status INTEGER,
        status_name TEXT,
        final INTEGER NOT NULL DEFAULT 0,
        phase TEXT NOT NULL DEFAULT 'queued' CHECK (phase IN ('queued','running','succeeded','failed')),
        reason TEXT,
        prompt TEXT,
        negative_prompt TEXT,
        duration TEXT,
        model_version TEXT,
        arguments TEXT,
        input_urls TEXT,
        created_at INTEGER,
        updated_at INTEGER,
        snapshot_at INTEGER,
        next_poll_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
      );
      CREATE INDEX tasks_due ON tasks(next_poll_at) WHERE final = 0;
      -- The queue view's order; tasks not seen yet (no creation time) sort as time 0.
      CREATE INDEX tasks_by_created ON tasks(coalesce(created_at, 0), id);
      CREATE INDEX tasks_by_account ON tasks(account_id, coalesce(created_at, 0), id);
      CREATE INDEX tasks_active ON tasks(coalesce(created_at, 0), id) WHERE final = 0;

`;

/** Each task's last raw response. */
const TASK_SNAPSHOTS = `      -- The last raw response, apart from tasks so that queries over tasks stay on small pages.
      CREATE TABLE task_snapshots (
        task_id INTEGER PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
        raw TEXT NOT NULL
      );

`;

/** One row per work (video or image), keyed by time. */
const WORKS = `      CREATE TABLE works (
        id INTEGER PRIMARY KEY,
        work_id TEXT NOT NULL UNIQUE,
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        content_type TEXT,
        width INTEGER,
        height INTEGER,
        duration_ms INTEGER NOT NULL DEFAULT 0, -- 0 when unknown (images): keeps the keyset free of NULLs
        result_url TEXT,
        cover_url TEXT,
        favorite INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        -- Copies of the task's facts, so that gallery filters use one index and no join.
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        task_type TEXT,
        model_version TEXT,
        phase TEXT NOT NULL
      );
      CREATE INDEX works_by_task ON works(task_id);
      CREATE INDEX works_by_account ON works(account_id, id);
      CREATE INDEX works_by_content_type ON works(content_type, id);
      CREATE INDEX works_by_duration ON works(duration_ms, id);
      CREATE INDEX works_favorites ON works(id) WHERE favorite = 1;

`;

/** The files to download and archived, per task and work. */
const FILES = `      CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        work_id INTEGER REFERENCES works(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('video','image','cover','input')),
        source_url TEXT,
        rel_path TEXT NOT NULL UNIQUE,
        bytes INTEGER,
        bytes_done INTEGER NOT NULL DEFAULT 0,
        sha256 TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
          CHECK (state IN ('pending','downloading','done','failed','missing')),
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER
      );
      CREATE INDEX files_by_task ON files(task_id);
      CREATE INDEX files_by_work ON files(work_id, kind);
      CREATE INDEX files_to_fetch ON files(state, id) WHERE state <> 'done';
    `;

export const migration001: Migration = {
  version: 1,
  name: 'tables',
  up(db) {
    db.exec(ACCOUNTS_AND_TASKS);
    db.exec(TASK_SNAPSHOTS);
    db.exec(WORKS);
    db.exec(FILES);
  },
};
