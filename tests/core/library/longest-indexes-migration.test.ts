// Version 12 adds the "longest" indexes of the account and favorites filters. A library written at
// version 11 (the same tables without them, works ingested and favorites set) is upgraded in place:
// the indexes hold every work, the file checks out, and "longest" under those filters walks them in
// the order of a plain ORDER BY.
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import { LATEST_VERSION } from '../../../src/core/library/database';
import { indexPath } from '../../../src/core/library/paths';
import type { GalleryQuery } from '../../../src/shared/domain/library';
import { BIG, tempFolder } from './helpers';
import { longestPages } from './fixtures/longest-library';
import { makeSnapshot, random } from './fixtures/snapshots';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempFolder()));
afterEach(() => cleanup());

const INDEXES = ['works_longest_by_account', 'works_longest_favorites'];
const QUERIES: GalleryQuery[] = [
  { account: 'b@example.com' },
  { favoritesOnly: true },
  { account: 'a@example.com', favoritesOnly: true },
];

/** A library at version 11: written by this version, then without what version 12 adds. */
function writeVersion11Library(): Record<string, string[]> {
  const library = openLibrary(dir, { sidecars: false });
  const rand = random(3);
  library.ingestMany(
    Array.from({ length: 300 }, (_, i) =>
      makeSnapshot(i % 3 === 0 ? 'a@example.com' : 'b@example.com', {
        taskId: BIG(i * 10),
        workIds: [BIG(i * 10 + 1)],
        createTime: 1_745_000_000_000 + i * 1000,
        contentType: i % 5 === 0 ? 'image' : 'video',
        durationMs: [5041, 10041, 7000 + i][i % 3] as number,
        favored: rand() < 0.3,
      }),
    ),
  );
  library.close();
  const db = new BetterSqlite3(indexPath(dir));
  for (const index of INDEXES) db.exec(`DROP INDEX ${index}`);
  db.pragma('user_version = 11');
  // Each query's order, by a plain ORDER BY.
  const plain = (where: string) =>
    db
      .prepare(
        `SELECT w.work_id FROM works w JOIN accounts a ON a.id = w.account_id WHERE ${where}
        ORDER BY w.duration_ms DESC, w.id DESC`,
      )
      .pluck()
      .all() as string[];
  const orders = {
    [JSON.stringify(QUERIES[0])]: plain("a.email = 'b@example.com'"),
    [JSON.stringify(QUERIES[1])]: plain('w.favorite = 1'),
    [JSON.stringify(QUERIES[2])]: plain("a.email = 'a@example.com' AND w.favorite = 1"),
  };
  db.close();
  return orders;
}

describe('migrating to version 12', () => {
  it('builds the longest indexes over the works already there, and pages walk them in the plain order', () => {
    expect(LATEST_VERSION).toBeGreaterThanOrEqual(11);
    const orders = writeVersion11Library();
    const library = openLibrary(dir, { sidecars: false });
    const db = library.db;
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const entries = (index: string) =>
      (
        db
          .prepare(
            `SELECT count(*) AS n FROM works INDEXED BY ${index} WHERE duration_ms >= 0
        ${index.includes('favorites') ? 'AND favorite = 1' : 'AND account_id > 0'}`,
          )
          .get() as { n: number }
      ).n;
    expect(entries('works_longest_by_account')).toBe(300);
    expect(entries('works_longest_favorites')).toBe(
      (db.prepare('SELECT count(*) AS n FROM works WHERE favorite = 1').get() as { n: number }).n,
    );
    for (const query of QUERIES) {
      const key = JSON.stringify(query);
      expect(orders[key]?.length).toBeGreaterThan(10);
      expect(
        longestPages(library, query, 7).map((item) => item.workId),
        key,
      ).toEqual(orders[key]);
    }
    library.close();
  });
});
