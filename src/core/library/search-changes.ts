// What the library's own writes did to the text index, told to its gallery, so that kept match sets
// are patched instead of rebuilt. Each process has one Library (the handlers and the sync engine
// share it), so its own feed sees every write this process makes; the feed belongs to that Library.
//
// The index's state is FTS5's structure record (work_search_data, id 10): every write to the index
// ends in a new level-0 segment and adds its leaves to the record's write counter, so the record never
// repeats while the index changes (the whole index is rebuilt only by rebuildIndex, library closed),
// and it stays as it is through writes that leave the search alone (files, polls, favorites, labels),
// whichever connection or process makes them. A recorded change is the exact pair (record before,
// record after) of one committed transaction: `before` is read inside the write transaction (a commit
// by anyone in between would have failed it, SQLITE_BUSY_SNAPSHOT), `after` once FTS5 has written out
// its pending terms, still inside it. A reader that finds an unbroken chain of recorded changes from
// the state its sets reflect to the current one knows every work whose search row or membership may
// differ; any other write to the index (another process or connection, direct SQL, a caller's
// transaction, a change that fell off the bounded list) breaks the chain and the reader rebuilds.
import type { Database, Statement } from 'better-sqlite3';

/** What one committed write changed: recheck these works (those of the tasks, as they are then). */
export interface SearchDelta {
  /** Exact task ids whose works were inserted or updated (resolved to works when read). */
  tasks: readonly string[];
  /** Works deleted. */
  works: readonly number[];
}

interface SearchChange extends SearchDelta {
  before: string;
  after: string;
}

/** Changes kept per index; a reader further behind rebuilds. */
const MAX_CHANGES = 256;
/** Task ids and work ids kept in all, at most; older changes are let go first. */
const MAX_IDS = 50_000;

export class SearchChangeFeed {
  private readonly byBefore = new Map<string, SearchChange>();
  private readonly order: SearchChange[] = [];
  private ids = 0;

  record(change: SearchChange): void {
    this.byBefore.set(change.before, change);
    this.order.push(change);
    this.ids += change.tasks.length + change.works.length;
    while (this.order.length > MAX_CHANGES || (this.ids > MAX_IDS && this.order.length > 1)) {
      const oldest = this.order.shift() as SearchChange;
      if (this.byBefore.get(oldest.before) === oldest) this.byBefore.delete(oldest.before);
      this.ids -= oldest.tasks.length + oldest.works.length;
    }
  }

  /** Everything recorded between two states of the index, or null when the chain is broken. */
  between(from: string, to: string): SearchDelta | null {
    const tasks = new Set<string>();
    const works = new Set<number>();
    let state = from;
    for (let steps = 0; state !== to; steps += 1) {
      const change = this.byBefore.get(state);
      if (!change || steps >= this.order.length) return null;
      for (const task of change.tasks) tasks.add(task);
      for (const work of change.works) works.add(work);
      state = change.after;
    }
    return { tasks: [...tasks], works: [...works] };
  }
}

/** The text index's state as stored (the FTS5 structure record, hex; '' for an index never written). */
export function searchStateStatement(db: Database): () => string {
  const statement = db.prepare('SELECT hex(block) FROM work_search_data WHERE id = 10').pluck() as Statement<
    [],
    string
  >;
  return () => statement.get() ?? '';
}

/**
 * Runs `write` in a transaction and records what it did to the text index. Inside a caller's
 * transaction nothing is recorded (its commit, or rollback, is the caller's): readers rebuild.
 */
export function recordedWrite<T>(
  db: Database,
  feed: SearchChangeFeed,
  state: () => string,
  write: () => T,
  delta: (result: T) => SearchDelta,
): T {
  const own = !db.inTransaction;
  let change: SearchChange | null = null;
  const result = db.transaction(() => {
    const before = own ? state() : null;
    const value = write();
    if (before !== null) {
      // A savepoint makes FTS5 write out its pending terms (it would at the commit): the structure
      // record read next is the one that commits.
      db.transaction(() => undefined)();
      const after = state();
      if (after !== before) change = { before, after, ...delta(value) };
    }
    return value;
  })();
  if (change) feed.record(change);
  return result;
}
