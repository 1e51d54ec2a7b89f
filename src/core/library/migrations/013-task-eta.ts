// Version 13: when the service expects a running task to finish (ms since epoch, on this machine's
// clock), read from its answer at ingest (shared/useapi/eta.ts), so that the paged task list can show
// "about 2 min left" without parsing each raw answer. Not backfilled: a running task's next answer
// fills it, and a final task has none.
import type { Migration } from './types';

export const migration013: Migration = {
  version: 13,
  name: 'task-eta',
  up(db) {
    db.exec('ALTER TABLE tasks ADD COLUMN eta_at INTEGER');
  },
};
