import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { GALLERY_DEFAULTS } from '../../../src/core/library/gallery-options';
import { indexPath } from '../../../src/core/library/paths';
import { openSearchChangeFeed, SearchChangeFeed } from '../../../src/core/library/search-changes';
import type { GalleryItem, GalleryQuery } from '../../../src/shared/domain/library';
import { BIG, checkSearchIndex, tempFolder } from './helpers';
import { ACCOUNTS, fillLongestLibrary, longestPages, START } from './fixtures/longest-library';
import { makeSnapshot } from './fixtures/snapshots';

// Text + "longest" keeps its match sets across writes: unchanged when the text index is, patched
// when the library's own writes (on any of its connections) changed it, rebuilt otherwise. Every
// page is compared with the same query on a connection opened just for it (nothing kept), across
// writes of each kind, made between pages.
let folder: string;
let cleanup: () => void;
/** The gallery's connection (the handlers'). */
let library: Library;
/** The sync engine's connection to the same library. */
let engine: Library;
/** Another program's connection: plain SQL, nothing recorded. */
let foreign: Database;

let nextTask = 1_000_000;

/** A new task with one work (or `works` works), ingested by `by`; returns its ids. */
function addTask(
  by: Library,
  prompt: string,
  durationMs: number,
  works = 1,
): { taskId: string; workIds: string[] } {
  const n = (nextTask += 1);
  const taskId = BIG(n * 10);
  const workIds = Array.from({ length: works }, (_, k) => BIG(n * 10 + 1 + k));
  by.ingest(
    makeSnapshot(ACCOUNTS[n % 2] as string, {
      taskId,
      workIds,
      createTime: START + (n % 5000) * 997,
      durationMs,
      prompt,
    }),
  );
  return { taskId, workIds };
}

beforeAll(() => {
  const temp = tempFolder();
  folder = temp.dir;
  cleanup = temp.cleanup;
  library = openLibrary(folder, { sidecars: false });
  fillLongestLibrary(library, { favorites: true });
  engine = openLibrary(folder, { sidecars: false });
  foreign = new BetterSqlite3(indexPath(folder));
  foreign.pragma('busy_timeout = 5000');
});
afterAll(() => {
  foreign.close();
  engine.close();
  library.close();
  cleanup();
});

const QUERIES: GalleryQuery[] = [
  { text: 'fox ' }, // more matches than are kept sorted: ids only, durations read from the works
  { text: 'whale ', favoritesOnly: true },
  { text: 'comet ' }, // few: kept sorted by duration
];

/** A newer snapshot of a shown work's task through the engine's connection, with `changes`. */
function reingest(item: GalleryItem, changes: { prompt?: string; durationMs?: number }): void {
  engine.ingest(
    makeSnapshot(item.account, {
      taskId: item.taskId,
      workIds: [item.workId],
      // The fixture's works are created 16 ms after their task.
      createTime: item.createdAt - 16,
      durationMs: changes.durationMs ?? item.durationMs ?? 0,
      prompt: changes.prompt ?? item.prompt ?? '',
    }),
  );
}

function pagesFrom(lib: Library, query: GalleryQuery, cursor: string | null, limit = 37): GalleryItem[] {
  return longestPages(lib, query, limit, cursor);
}

/** The query's pages from `cursor` on, on a new connection: nothing kept, built from scratch. */
function fromScratch(query: GalleryQuery, cursor: string | null = null): GalleryItem[] {
  const fresh = openLibrary(folder, { sidecars: false });
  try {
    return pagesFrom(fresh, query, cursor);
  } finally {
    fresh.close();
  }
}

/** Every query, whole, equals its from-scratch answer; returns the counts of set builds etc. */
function expectAllExact(): void {
  for (const query of QUERIES) {
    expect(pagesFrom(library, query, null), JSON.stringify(query)).toEqual(fromScratch(query));
  }
}

/**
 * For each query: two pages, then `write`, then the rest from the cursor, which must be what a
 * from-scratch query gives from that cursor. Returns how the kept sets fared.
 */
function acrossWrite(write: () => void): { built: number; patched: number; forgotten: number } {
  expectAllExact(); // every set built and kept
  const before = library.gallerySetCounts();
  const cursors = QUERIES.map((query) => {
    const first = library.gallery({ ...query, sort: 'longest', limit: 5 });
    return library.gallery({ ...query, sort: 'longest', limit: 5, cursor: first.nextCursor }).nextCursor;
  });
  write();
  QUERIES.forEach((query, index) => {
    const cursor = cursors[index] as string;
    expect(pagesFrom(library, query, cursor), JSON.stringify(query)).toEqual(fromScratch(query, cursor));
  });
  expectAllExact();
  // A jump lands where it would on a new connection.
  for (const query of QUERIES) {
    const total = fromScratch(query).length;
    for (const position of [1, Math.floor(total / 2), total - 1]) {
      const fresh = openLibrary(folder, { sidecars: false });
      try {
        expect(library.gallerySeek({ ...query, sort: 'longest' }, position)).toEqual(
          fresh.gallerySeek({ ...query, sort: 'longest' }, position),
        );
      } finally {
        fresh.close();
      }
    }
  }
  checkSearchIndex(library);
  const after = library.gallerySetCounts();
  return {
    built: after.built - before.built,
    patched: after.patched - before.patched,
    forgotten: after.forgotten - before.forgotten,
  };
}

describe('text sorted by longest, across writes', () => {
  it('keeps its sets through writes that leave the text index alone, by any connection', () => {
    const works = fromScratch({ text: 'comet ' });
    const task = works[3]!.taskId;
    const fileRows = engine.createFileRows(task);
    const counts = acrossWrite(() => {
      library.db.prepare('UPDATE accounts SET label = label WHERE id = 1').run();
      engine.upsertAccount(ACCOUNTS[0] as string, 'Alice');
      engine.updatePolling(task, { nextPollAt: START + 1, attempts: 2, lastError: 'timeout' });
      const [claimed] = engine.claimFiles(1);
      engine.recordFileProgress(claimed?.id ?? (fileRows[0]?.id as number), 1000, 5000);
      // Favorites are read from the works, not kept: a whale leaves and one joins the favorites.
      const whales = fromScratch({ text: 'whale ' });
      library.setFavorite(whales.find((item) => item.favorite)!.workId, false);
      engine.setFavorite(whales.find((item) => !item.favorite)!.workId, true);
      foreign.prepare("UPDATE tasks SET last_error = 'x' WHERE task_id = ?").run(task);
    });
    expect(counts).toEqual({ built: 0, patched: 0, forgotten: 0 });
  });

  it('compares kept durations with the works after a write that changed only durations', () => {
    const comets = fromScratch({ text: 'comet ' });
    const counts = acrossWrite(() => {
      // Another program moves the last comet to the top and the first to the bottom: no text changed.
      foreign.prepare('UPDATE works SET duration_ms = 99000 WHERE work_id = ?').run(comets.at(-1)!.workId);
      foreign.prepare('UPDATE works SET duration_ms = 2 WHERE work_id = ?').run(comets[0]!.workId);
    });
    expect(counts).toEqual({ built: 0, patched: 0, forgotten: 0 });
    const now = fromScratch({ text: 'comet ' });
    expect(now[0]!.workId).toBe(comets.at(-1)!.workId);
    // Below every video, above the images (duration 0).
    expect(now.find((item) => (item.durationMs ?? 0) < 1000)?.workId).toBe(comets[0]!.workId);
  });

  it('patches its sets with works added, changed and removed by the library, on either connection', () => {
    const comets = fromScratch({ text: 'comet ' });
    const foxes = fromScratch({ text: 'fox ' });
    const whales = fromScratch({ text: 'whale ' });
    const counts = acrossWrite(() => {
      addTask(engine, 'the longest fox', 30_000);
      addTask(engine, 'a favourite comet in the middle', 7000, 3);
      addTask(library, 'a short comet and a whale', 100);
      // A comet's text changes (it becomes a fox); a fox's duration changes with its snapshot.
      const comet = comets[1]!;
      reingest(comet, { prompt: 'no longer a c0met but a fox' });
      const fox = foxes[40]!;
      reingest(fox, { durationMs: 12_345 });
      // Removed: a comet, a fox and a favorite whale.
      library.removeTask(comets[2]!.taskId);
      engine.removeTask(foxes[3]!.taskId);
      library.removeTask(whales.find((item) => item.favorite)!.taskId);
    });
    expect(counts).toEqual({ built: 0, patched: 1, forgotten: 0 });
    const now = fromScratch({ text: 'comet ' });
    expect(now.map((item) => item.workId)).not.toContain(comets[1]!.workId);
    expect(now.map((item) => item.workId)).not.toContain(comets[2]!.workId);
    expect(fromScratch({ text: 'fox ' })[0]!.prompt).toBe('the longest fox');
  });

  it('patches prefix expansions with the new words a write brings', () => {
    const query: GalleryQuery = { text: 'numb' }; // "number", expanded to the whole word
    expect(pagesFrom(library, query, null)).toEqual(fromScratch(query));
    const before = library.gallerySetCounts();
    addTask(engine, 'a numbat on a number line', 5041);
    addTask(engine, 'numbered frames', 60_000);
    const after = pagesFrom(library, query, null);
    expect(after).toEqual(fromScratch(query));
    expect(after[0]!.prompt).toBe('numbered frames');
    expect(after.some((item) => item.prompt === 'a numbat on a number line')).toBe(true);
    // The expansion gained two words: a new query string, so a set of its own, built once.
    expect(library.gallerySetCounts().built - before.built).toBe(1);
  });

  it('rebuilds after a change of the text index it was not told about', () => {
    const comets = fromScratch({ text: 'comet ' });
    const counts = acrossWrite(() => {
      // Another program edits a prompt: the search trigger rewrites the work's search row.
      foreign
        .prepare("UPDATE tasks SET prompt = 'a comet no more' || task_id WHERE task_id = ?")
        .run(comets[0]!.taskId);
      foreign
        .prepare("UPDATE tasks SET prompt = 'the longest whale of all, a comet' WHERE task_id = ?")
        .run(fromScratch({ text: 'fox ' })[7]!.taskId);
    });
    expect(counts.forgotten).toBe(1);
    expect(counts.patched).toBe(0);
  });

  it('stays exact through a caller transaction, rolled back or committed', () => {
    const rolledBack = acrossWrite(() => {
      expect(() =>
        library.db.transaction(() => {
          addTask(library, 'a fox that never was', 500_000);
          library.removeTask(fromScratch({ text: 'comet ' })[0]!.taskId);
          // Read inside the transaction: this page sees its writes, and nothing of it is kept.
          const inside = pagesFrom(library, { text: 'fox ' }, null);
          expect(inside[0]!.prompt).toBe('a fox that never was');
          throw new Error('rollback');
        })(),
      ).toThrow('rollback');
    });
    expect(rolledBack.patched).toBe(0);
    const committed = acrossWrite(() => {
      library.db.transaction(() => {
        addTask(library, 'a committed comet', 500_000);
        expect(pagesFrom(library, { text: 'comet ' }, null)[0]!.prompt).toBe('a committed comet');
      })();
    });
    // The write was the caller's to commit, so nothing was recorded: the sets were rebuilt.
    expect(committed.forgotten).toBe(1);
  });

  it('rebuilds rather than patches after more new works than a patch takes', () => {
    const counts = acrossWrite(() => {
      const per = 20; // the library holds under 50,000 works: the bound is GALLERY_DEFAULTS.patchMinWorks
      const inputs = Array.from({ length: Math.ceil((GALLERY_DEFAULTS.patchMinWorks + 1) / per) }, (_, i) => {
        const n = (nextTask += 1);
        return makeSnapshot(ACCOUNTS[i % 2] as string, {
          taskId: BIG(n * 10),
          workIds: Array.from({ length: per }, (_, k) => BIG(n * 1000 + 100_000_000 + k)),
          createTime: START - 10_000_000 + i * 1000,
          durationMs: 4000 + i,
          prompt: i % 3 === 0 ? `bulk fox ${i}` : i % 3 === 1 ? `bulk whale ${i}` : `bulk comet ${i}`,
        });
      });
      engine.ingestMany(inputs);
    });
    expect(counts.forgotten).toBe(1);
  });
});

describe('the change feed', () => {
  const change = (before: string, after: string, tasks: string[], works: number[] = []) => ({
    before,
    after,
    tasks,
    works,
  });

  it('answers the changes between two states only along an unbroken chain', () => {
    const feed = new SearchChangeFeed();
    feed.record(change('a', 'b', ['1']));
    feed.record(change('b', 'c', ['2', '1'], [7]));
    feed.record(change('c', 'd', [], [8]));
    expect(feed.between('a', 'a')).toEqual({ tasks: [], works: [] });
    expect(feed.between('a', 'c')).toEqual({ tasks: ['1', '2'], works: [7] });
    expect(feed.between('b', 'd')).toEqual({ tasks: ['2', '1'], works: [7, 8] });
    expect(feed.between('a', 'x')).toBeNull(); // an unrecorded change after the last one
    expect(feed.between('x', 'd')).toBeNull(); // a state no recorded change starts from
    expect(feed.between('d', 'a')).toBeNull();
  });

  it('lets old changes go, so a reader that far behind rebuilds', () => {
    const feed = new SearchChangeFeed();
    for (let i = 0; i < 300; i += 1) feed.record(change(`s${i}`, `s${i + 1}`, [String(i)]));
    expect(feed.between('s0', 's300')).toBeNull();
    expect(feed.between('s100', 's300')?.tasks).toHaveLength(200);
    feed.record(
      change(
        's300',
        's301',
        Array.from({ length: 60_000 }, (_, i) => String(i)),
      ),
    );
    expect(feed.between('s299', 's301')).toBeNull();
    expect(feed.between('s300', 's301')?.tasks).toHaveLength(60_000);
  });

  it('is shared by the open libraries on one index, and forgotten once the last is closed', () => {
    const file = indexPath(folder);
    const first = openSearchChangeFeed(file);
    const second = openSearchChangeFeed(`${file}/../${file.split('/').at(-1)}`);
    expect(second.feed).toBe(first.feed);
    expect(first.feed).toBe((library as unknown as { searchChanges: SearchChangeFeed }).searchChanges);
    first.release();
    first.release(); // twice: counted once
    second.release();
    const elsewhere = openSearchChangeFeed(indexPath(`${folder}-elsewhere`));
    expect(elsewhere.feed).not.toBe(first.feed);
    elsewhere.release();
    // Every library on the index closed: the next one starts a feed of its own (an index rebuilt
    // meanwhile could repeat old states).
    const spare = tempFolder();
    const only = openSearchChangeFeed(indexPath(spare.dir));
    only.release();
    const again = openSearchChangeFeed(indexPath(spare.dir));
    expect(again.feed).not.toBe(only.feed);
    again.release();
    spare.cleanup();
  });
});
