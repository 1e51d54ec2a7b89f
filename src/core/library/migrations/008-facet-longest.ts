// Version 8: each facet value's longest duration (work_facets.longest_ms), an upper bound kept as
// works are added and changed (a removal leaves it, still a bound). "Longest" under a filter walks
// the duration index from there: the works of a filter value need not start at the top, and an
// image filter (every image is 0 ms) would otherwise pass every video first (1.6 s at a million).
import type { Migration } from './types';

const DIMENSIONS = [
  ['account', 'account_id'],
  ['phase', 'phase'],
  ['content_type', 'content_type'],
  ['task_type', 'task_type'],
  ['model_version', 'model_version'],
  ['favorite', 'favorite'],
] as const;

export const migration008: Migration = {
  version: 8,
  name: 'facet-longest',
  up(db) {
    const backfill = DIMENSIONS.map(
      ([dim, col]) => `
      UPDATE work_facets SET longest_ms = m.longest
      FROM (SELECT coalesce(${col}, '') AS value, max(duration_ms) AS longest FROM works GROUP BY 1) m
      WHERE work_facets.dimension = '${dim}' AND work_facets.value = m.value;`,
    ).join('\n');
    // A row of count 0 when the value has none yet: the count triggers add to it, in either order.
    const raise = DIMENSIONS.map(
      ([dim, col]) => `
        INSERT INTO work_facets(dimension, value, count, longest_ms)
        VALUES ('${dim}', coalesce(new.${col}, ''), 0, new.duration_ms)
        ON CONFLICT(dimension, value) DO UPDATE SET longest_ms = max(longest_ms, excluded.longest_ms);`,
    ).join('');
    db.exec(`
      ALTER TABLE work_facets ADD COLUMN longest_ms INTEGER NOT NULL DEFAULT 0;
      ${backfill}
      CREATE TRIGGER works_facets_longest
      AFTER UPDATE OF duration_ms, ${DIMENSIONS.map(([, col]) => col).join(', ')} ON works
      WHEN new.duration_ms > old.duration_ms
        OR ${DIMENSIONS.map(([, col]) => `old.${col} IS NOT new.${col}`).join(' OR ')} BEGIN
        ${raise}
      END;
    `);
  },
};
