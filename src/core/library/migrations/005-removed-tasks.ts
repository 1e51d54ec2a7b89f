// Version 5: tasks the user removed from the library. A late poll answer or the next history sync
// would otherwise bring a removed task (and its downloads) straight back; only adding its id again
// takes it off this list.
import type { Migration } from './types';

export const migration005: Migration = {
  version: 5,
  name: 'removed-tasks',
  up(db) {
    db.exec(`
      CREATE TABLE removed_tasks (
        task_id TEXT PRIMARY KEY,
        account_id INTEGER REFERENCES accounts(id),
        removed_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
