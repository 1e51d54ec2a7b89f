// Version 10: tasks added without an account whose owner has not answered yet (owner lookup, see
// src/core/sync/owner-lookup.ts). A rebuilt index loses it harmlessly: the journal keeps the ids
// added without an answer, and they then poll the account they are filed under.
import type { Migration } from './types';

export const migration010: Migration = {
  version: 10,
  name: 'task-owner-unknown',
  up(db) {
    db.exec('CREATE TABLE task_owner_unknown (task_id TEXT PRIMARY KEY) WITHOUT ROWID');
  },
};
