// The facet dimensions have one home (src/shared/domain/facets.ts). The migrations keep frozen
// copies in the triggers they created (a shipped migration never changes): these tests read the
// triggers of a library migrated from scratch and check that they count exactly the one list, so
// a dimension added to the list without a migration fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { FACET_DIMENSIONS, LISTED_FACETS } from '../../../src/shared/domain/facets';
import { makeSnapshot } from './fixtures/snapshots';
import { tempFolder } from './helpers';

let temp: ReturnType<typeof tempFolder>;
let library: Library;
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const ONE_LIST = sorted(FACET_DIMENSIONS);

beforeAll(() => {
  temp = tempFolder();
  library = openLibrary(temp.dir, { sidecars: false });
});
afterAll(() => {
  library.close();
  temp.cleanup();
});

/** The triggers on works that write facet counts: name → the dimensions their SQL writes. */
function facetTriggers(): Map<string, string[]> {
  const rows = library.db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'works'")
    .all() as { name: string; sql: string }[];
  const triggers = new Map<string, string[]>();
  for (const { name, sql } of rows) {
    if (!sql.includes('work_facets')) continue;
    const written = [...sql.matchAll(/INSERT INTO work_facets\([^)]*\)\s*VALUES \('([a-z_]+)'/g)];
    triggers.set(name, sorted(written.map((match) => match[1] as string)));
  }
  return triggers;
}

describe('the facet dimensions', () => {
  it("are the ones the migrations' triggers count: the frozen copies agree with the one list", () => {
    const triggers = facetTriggers();
    // One update trigger per dimension (version 3), named after it.
    const perDimension = [...triggers.keys()].filter((name) => name.startsWith('works_facets_update_'));
    expect(sorted(perDimension.map((name) => name.slice('works_facets_update_'.length)))).toEqual(ONE_LIST);
    // The others (delete: version 3; longest: version 8) count every dimension.
    const whole = [...triggers].filter(([name]) => !perDimension.includes(name));
    expect(whole.map(([name]) => name).sort()).toEqual(['works_facets_delete', 'works_facets_longest']);
    for (const [name, dimensions] of whole) expect(dimensions, name).toEqual(ONE_LIST);
  });

  it('are the ones a new work is counted under, and the Facets answer lists', () => {
    library.ingest(makeSnapshot('creator@example.com', { taskId: '5001', workIds: ['5002'] }));
    const written = library.db
      .prepare('SELECT DISTINCT dimension FROM work_facets')
      .pluck()
      .all() as string[];
    expect(sorted(written)).toEqual(ONE_LIST);
    const facets = library.facets();
    expect(Object.keys(facets).sort()).toEqual(
      sorted(['total', 'favorites', ...Object.values(LISTED_FACETS).map(({ list }) => list)]),
    );
    expect(facets.accounts).toEqual([{ value: 'creator@example.com', count: 1 }]);
    expect(facets.total).toBe(1);
  });
});
