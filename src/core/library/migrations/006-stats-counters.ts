// Version 6: library statistics without scanning. Per account and file state, the number of files
// and their bytes, kept by triggers on `files` (written by the downloader, a few times per file; never
// by snapshot ingest). Tasks per account are counted up to a rowid mark (`task_counts`): the tasks
// above it are counted when the statistics are read and folded in now and then, so that ingest pays
// for no trigger. Only deleting a task (a removal) or moving it to another account adjusts them.
import type { Migration } from './types';

/** Adds `sign` × (one file of `row`) to its account's and state's counts. */
const bumpFile = (row: 'new' | 'old', sign: 1 | -1) =>
  `INSERT INTO file_counts (account_id, state, files, bytes)
     SELECT t.account_id, ${row}.state, ${sign}, ${sign} * coalesce(${row}.bytes, 0)
     FROM tasks t WHERE t.id = ${row}.task_id
   ON CONFLICT (account_id, state) DO UPDATE
     SET files = files + excluded.files, bytes = bytes + excluded.bytes;`;

/** Adds `sign` × (every file of task `taskId`) to account `accountId`'s counts. */
const bumpTaskFiles = (taskId: string, accountId: string, sign: 1 | -1) =>
  `INSERT INTO file_counts (account_id, state, files, bytes)
     SELECT ${accountId}, state, ${sign} * count(*), ${sign} * sum(coalesce(bytes, 0))
     FROM files WHERE task_id = ${taskId} GROUP BY state
   ON CONFLICT (account_id, state) DO UPDATE
     SET files = files + excluded.files, bytes = bytes + excluded.bytes;`;

export const migration006: Migration = {
  version: 6,
  name: 'stats-counters',
  up(db) {
    db.exec(`
      CREATE TABLE file_counts (
        account_id INTEGER NOT NULL,
        state TEXT NOT NULL,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (account_id, state)
      ) WITHOUT ROWID;

      CREATE TRIGGER files_counts_insert AFTER INSERT ON files BEGIN
        ${bumpFile('new', 1)}
      END;
      -- Progress updates name bytes too: the WHEN keeps them to one comparison.
      CREATE TRIGGER files_counts_update AFTER UPDATE OF state, bytes, task_id ON files
      WHEN old.state IS NOT new.state OR old.bytes IS NOT new.bytes OR old.task_id IS NOT new.task_id
      BEGIN
        ${bumpFile('old', -1)}
        ${bumpFile('new', 1)}
      END;
      -- A file deleted by the cascade of its task's deletion finds no task here (the task row is
      -- gone first): tasks_counts_delete_files has taken the task's files off already.
      CREATE TRIGGER files_counts_delete AFTER DELETE ON files BEGIN
        ${bumpFile('old', -1)}
      END;
      CREATE TRIGGER tasks_counts_delete_files BEFORE DELETE ON tasks BEGIN
        ${bumpTaskFiles('old.id', 'old.account_id', -1)}
      END;

      -- Tasks per account, for tasks.id <= task_counts_mark.upto.
      CREATE TABLE task_counts (
        account_id INTEGER PRIMARY KEY,
        tasks INTEGER NOT NULL
      );
      CREATE TABLE task_counts_mark (
        only INTEGER PRIMARY KEY CHECK (only = 1),
        upto INTEGER NOT NULL
      );
      CREATE TRIGGER tasks_counts_delete AFTER DELETE ON tasks
      WHEN old.id <= (SELECT upto FROM task_counts_mark) BEGIN
        UPDATE task_counts SET tasks = tasks - 1 WHERE account_id = old.account_id;
        -- A new task takes max(rowid) + 1: keep the mark below it, so that it is counted as new.
        UPDATE task_counts_mark SET upto = min(upto, coalesce((SELECT max(id) FROM tasks), 0));
      END;
      -- Ingest never names account_id in an UPDATE, so this costs it nothing.
      CREATE TRIGGER tasks_counts_account AFTER UPDATE OF account_id ON tasks
      WHEN old.account_id IS NOT new.account_id BEGIN
        ${bumpTaskFiles('new.id', 'old.account_id', -1)}
        ${bumpTaskFiles('new.id', 'new.account_id', 1)}
        UPDATE task_counts SET tasks = tasks - 1
          WHERE account_id = old.account_id AND new.id <= (SELECT upto FROM task_counts_mark);
        INSERT INTO task_counts (account_id, tasks)
          SELECT new.account_id, 1 WHERE new.id <= (SELECT upto FROM task_counts_mark)
          ON CONFLICT (account_id) DO UPDATE SET tasks = tasks + 1;
      END;

      -- What the library holds now.
      INSERT INTO file_counts (account_id, state, files, bytes)
        SELECT t.account_id, f.state, count(*), sum(coalesce(f.bytes, 0))
        FROM files f JOIN tasks t ON t.id = f.task_id GROUP BY t.account_id, f.state;
      INSERT INTO task_counts (account_id, tasks)
        SELECT account_id, count(*) FROM tasks GROUP BY account_id;
      INSERT INTO task_counts_mark (only, upto) VALUES (1, coalesce((SELECT max(id) FROM tasks), 0));
    `);
  },
};
