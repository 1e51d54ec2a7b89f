// What the index needs when a work is inserted: its search row, and its share of the facet counts.
// Written here rather than by triggers (see migration 7): the search row goes straight to FTS5, and
// the facet counts are summed in memory and added once per batch, inside the same transaction.
import type { Database, Statement } from 'better-sqlite3';
import { FACET_DIMENSIONS } from '../../shared/domain/facets';
import type { FacetDimension } from '../../shared/domain/facets';

/** A work just inserted, with the columns the facets count and the text the search indexes. */
export interface NewWork {
  id: number;
  accountId: number;
  phase: string;
  contentType: string | null;
  taskType: string | null;
  modelVersion: string | null;
  favorite: 0 | 1;
  durationMs: number;
  prompt: string | null;
  negativePrompt: string | null;
}

/** Each facet dimension's value for a work (null: unknown, counted under ''). */
const FACET_VALUE: { [D in FacetDimension]: (work: NewWork) => string | null } = {
  account: (work) => String(work.accountId),
  phase: (work) => work.phase,
  content_type: (work) => work.contentType,
  task_type: (work) => work.taskType,
  model_version: (work) => work.modelVersion,
  favorite: (work) => String(work.favorite),
};

const FACETS = FACET_DIMENSIONS.map((dimension) => [dimension, FACET_VALUE[dimension]] as const);

export class NewWorkIndexer {
  private readonly insertSearch: Statement<[number, string | null, string | null, string | null]>;
  private readonly addFacet: Statement<[string, string, number, number]>;
  /** dimension → value ('' for unknown) → works added and the longest of them, for the batch under way. */
  private readonly pending = new Map<string, Map<string, { count: number; longest: number }>>();

  constructor(db: Database) {
    this.insertSearch = db.prepare(
      'INSERT INTO work_search(rowid, prompt, negative_prompt, type) VALUES (?, ?, ?, ?)',
    );
    this.addFacet = db.prepare(`INSERT INTO work_facets(dimension, value, count, longest_ms)
      VALUES (?, ?, ?, ?) ON CONFLICT(dimension, value) DO UPDATE SET count = count + excluded.count,
        longest_ms = max(longest_ms, excluded.longest_ms)`);
  }

  /** Call right after inserting the work's row, in the same transaction. */
  add(work: NewWork): void {
    this.insertSearch.run(work.id, work.prompt, work.negativePrompt, work.taskType);
    for (const [dimension, valueOf] of FACETS) {
      let counts = this.pending.get(dimension);
      if (!counts) this.pending.set(dimension, (counts = new Map()));
      const value = valueOf(work) ?? '';
      const sum = counts.get(value);
      if (sum) {
        sum.count += 1;
        if (work.durationMs > sum.longest) sum.longest = work.durationMs;
      } else counts.set(value, { count: 1, longest: work.durationMs });
    }
  }

  /** Adds the batch's facet counts; call before the transaction commits. */
  flush(): void {
    for (const [dimension, counts] of this.pending) {
      for (const [value, { count, longest }] of counts) this.addFacet.run(dimension, value, count, longest);
    }
    this.pending.clear();
  }

  /** Forgets the batch's counts (its transaction was rolled back). */
  discard(): void {
    this.pending.clear();
  }
}
