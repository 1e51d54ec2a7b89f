// Version 2: full-text search over prompt, negative prompt and task type, one row per work (rowid =
// works.id), so that a text search can walk the index in time order and take a keyset cursor.
// External content (a view over works + tasks) keeps the text in one place; triggers keep it in sync.
import type { Migration } from './types';

export const migration002: Migration = {
  version: 2,
  name: 'search',
  up(db) {
    db.exec(`
      CREATE VIEW work_search_source AS
        SELECT w.id AS rowid, t.prompt AS prompt, t.negative_prompt AS negative_prompt, t.type AS type
        FROM works w JOIN tasks t ON t.id = w.task_id;

      CREATE VIRTUAL TABLE work_search USING fts5(
        prompt, negative_prompt, type,
        content = 'work_search_source', content_rowid = 'rowid',
        tokenize = 'unicode61 remove_diacritics 2',
        -- Prefix indexes for 2- and 3-letter prefixes: search-as-you-type stays fast on short words.
        prefix = '2 3'
      );

      CREATE TRIGGER works_search_insert AFTER INSERT ON works BEGIN
        INSERT INTO work_search(rowid, prompt, negative_prompt, type)
          SELECT new.id, t.prompt, t.negative_prompt, t.type FROM tasks t WHERE t.id = new.task_id;
      END;

      CREATE TRIGGER works_search_delete AFTER DELETE ON works BEGIN
        INSERT INTO work_search(work_search, rowid, prompt, negative_prompt, type)
          SELECT 'delete', old.id, t.prompt, t.negative_prompt, t.type FROM tasks t WHERE t.id = old.task_id;
      END;

      CREATE TRIGGER tasks_search_update AFTER UPDATE OF prompt, negative_prompt, type ON tasks
      WHEN old.prompt IS NOT new.prompt OR old.negative_prompt IS NOT new.negative_prompt
        OR old.type IS NOT new.type
      BEGIN
        INSERT INTO work_search(work_search, rowid, prompt, negative_prompt, type)
          SELECT 'delete', w.id, old.prompt, old.negative_prompt, old.type FROM works w WHERE w.task_id = old.id;
        INSERT INTO work_search(rowid, prompt, negative_prompt, type)
          SELECT w.id, new.prompt, new.negative_prompt, new.type FROM works w WHERE w.task_id = new.id;
      END;

      -- Works that existed before this version get indexed now.
      INSERT INTO work_search(work_search) VALUES ('rebuild');
    `);
  },
};
