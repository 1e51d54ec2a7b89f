// Version 9: what the watcher (src/core/sync/watcher.ts) remembers per account, so that a restart
// resumes an interrupted catch-up where it stopped and the UI can say when the account was last
// checked and how many works arrived today.
import type { Migration } from './types';

export const migration009: Migration = {
  version: 9,
  name: 'watch-state',
  up(db) {
    db.exec(`
      CREATE TABLE watch_state (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        last_checked_at INTEGER,
        last_error TEXT,
        -- A catch-up walk that did not finish: the next one asks for tasks created before this.
        resume_before INTEGER,
        -- Works archived on arrivals_day (local YYYY-MM-DD), for the "arrived today" count.
        arrivals_day TEXT,
        arrivals INTEGER NOT NULL DEFAULT 0
      );
    `);
  },
};
