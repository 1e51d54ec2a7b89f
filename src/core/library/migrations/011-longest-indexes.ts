// Version 11: an index per filter for "longest", (value, duration), whose entries end with the work's
// id (the rowid): under one of these filters the sort is an ordinary keyset walk of its index, in the
// order (duration DESC, id DESC), instead of a walk of every work by duration that checks each row, or
// a read and sort of all the filter's works. Further filters are checked on the walk. Dimensions
// without an index of their own (phase, model version: few values, each a large share of the works)
// walk works_by_duration from their longest duration (work_facets.longest_ms, version 8).
import type { Migration } from './types';

export const migration011: Migration = {
  version: 11,
  name: 'longest-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX works_longest_by_account ON works(account_id, duration_ms);
      CREATE INDEX works_longest_by_content_type ON works(content_type, duration_ms);
      CREATE INDEX works_longest_by_task_type ON works(task_type, duration_ms);
      CREATE INDEX works_longest_favorites ON works(duration_ms) WHERE favorite = 1;
    `);
  },
};
