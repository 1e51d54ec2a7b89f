// Version 7: a new work's search row and facet counts are written by the ingest code, no longer by
// AFTER INSERT triggers. A write to an FTS5 table from inside a trigger runs under a statement
// savepoint, and FTS5 flushes its pending terms at every savepoint: each work became a segment of
// its own, to be merged later, and indexing cost ~50 µs a work instead of ~5. Facets are summed per
// batch and added once instead of six upserts a work. Deleting and updating works keep their
// triggers (removals and favorites are rare and row by row). Ingest (ingest.ts) is the only code that
// inserts works; anything else that does must write both itself (see new-works.ts).
import type { Migration } from './types';

export const migration007: Migration = {
  version: 7,
  name: 'ingest-writes-new-works',
  up(db) {
    db.exec(`
      DROP TRIGGER works_search_insert;
      DROP TRIGGER works_facets_insert;
    `);
  },
};
