// Version 12: "longest" indexes for the two filters that pick out a small share of the works and have
// many values between them: the account, (account_id, duration_ms), and favorites, (duration_ms) WHERE
// favorite = 1. Their entries end with the work's id (the rowid), so under either filter the sort is
// an ordinary keyset walk of its index, in the order (duration DESC, id DESC), and a seek skips in it;
// further filters are checked on the walk. Before, "longest" under them walked every work by duration
// and checked each one, or read and sorted all of the filter's works. The other dimensions (content
// type, task type, model version, phase) walk works_by_duration from their longest duration
// (work_facets.longest_ms, version 8): their values are few and large, or all short (images), and an
// index each would cost every ingest a write more.
import type { Migration } from './types';

export const migration012: Migration = {
  version: 12,
  name: 'longest-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX works_longest_by_account ON works(account_id, duration_ms);
      CREATE INDEX works_longest_favorites ON works(duration_ms) WHERE favorite = 1;
    `);
  },
};
