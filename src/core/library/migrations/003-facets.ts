// Version 3: facet counts kept by triggers, so that the filter panel reads a few dozen rows instead
// of grouping a million works on every keystroke. `value` is '' for "unknown".
import type { Migration } from './types';

const DIMENSIONS = [
  ['account', 'account_id'],
  ['phase', 'phase'],
  ['content_type', 'content_type'],
  ['task_type', 'task_type'],
  ['model_version', 'model_version'],
  ['favorite', 'favorite'],
] as const;

const bump = (dimension: string, expr: string, delta: string) =>
  `INSERT INTO work_facets(dimension, value, count) VALUES ('${dimension}', coalesce(${expr}, ''), ${delta})
     ON CONFLICT(dimension, value) DO UPDATE SET count = count + ${delta};`;

export const migration003: Migration = {
  version: 3,
  name: 'facets',
  up(db) {
    const inserts = DIMENSIONS.map(([dim, col]) => bump(dim, `new.${col}`, '1')).join('\n');
    const deletes = DIMENSIONS.map(([dim, col]) => bump(dim, `old.${col}`, '-1')).join('\n');
    const updates = DIMENSIONS.map(
      ([dim, col]) => `
      CREATE TRIGGER works_facets_update_${dim} AFTER UPDATE OF ${col} ON works
      WHEN old.${col} IS NOT new.${col} BEGIN
        ${bump(dim, `old.${col}`, '-1')}
        ${bump(dim, `new.${col}`, '1')}
      END;`,
    ).join('\n');
    const backfill = DIMENSIONS.map(
      ([dim, col]) =>
        `INSERT INTO work_facets(dimension, value, count)
           SELECT '${dim}', coalesce(${col}, ''), count(*) FROM works GROUP BY 2;`,
    ).join('\n');
    db.exec(`
      CREATE TABLE work_facets (
        dimension TEXT NOT NULL,
        value TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (dimension, value)
      ) WITHOUT ROWID;
      CREATE TRIGGER works_facets_insert AFTER INSERT ON works BEGIN
        ${inserts}
      END;
      CREATE TRIGGER works_facets_delete AFTER DELETE ON works BEGIN
        ${deletes}
      END;
      ${updates}
      ${backfill}
    `);
  },
};
