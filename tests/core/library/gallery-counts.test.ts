// library.galleryCounts: per account, exactly the works the gallery's pages walk for the same query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import type { GalleryCountsQuery, GalleryQuery } from '../../../src/shared/domain/library';
import { GalleryCountsSchema } from '../../../src/shared/domain/library';
import { BIG, tempFolder } from './helpers';
import { makeSnapshot, promptFor, random } from './fixtures/snapshots';

let library: Library;
let cleanup: () => void;
const ACCOUNTS = ['studio@example.com', 'sketches@example.com', 'solo@example.com'];

beforeAll(() => {
  const temp = tempFolder();
  cleanup = temp.cleanup;
  library = openLibrary(temp.dir, { sidecars: false });
  const rand = random(11);
  const inputs = [];
  for (let i = 0; i < 240; i += 1) {
    const image = i % 4 === 0;
    inputs.push(
      // The third account gets every fifth task only: the accounts differ in size.
      makeSnapshot(ACCOUNTS[i % 5 === 0 ? 2 : i % 2] as string, {
        taskId: BIG(i * 10),
        workIds: image ? [BIG(i * 10 + 1), BIG(i * 10 + 2)] : [BIG(i * 10 + 1)],
        createTime: 1_740_000_000_000 + i * 3_600_000,
        contentType: image ? 'image' : 'video',
        durationMs: 5000,
        prompt: promptFor(rand),
        modelVersion: i % 3 === 0 ? '1.6' : '2.1',
        favored: i % 7 === 0,
      }),
    );
  }
  library.ingestMany(inputs);
});
afterAll(() => {
  library.close();
  cleanup();
});

/** Every work the pages show for `query` in `account`, counted by walking them. */
function walked(query: GalleryCountsQuery, account: string): number {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page = library.gallery({ ...(query as GalleryQuery), account, limit: 50, cursor });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

describe('gallery counts per account', () => {
  const queries: Array<[string, GalleryCountsQuery]> = [
    ['no filter (the facet counts)', {}],
    ['a content type', { contentType: 'image' }],
    ['favorites and a model', { favoritesOnly: true, modelVersion: '2.1' }],
    [
      'a date range',
      { createdFrom: 1_740_000_000_000 + 50 * 3_600_000, createdTo: 1_740_000_000_000 + 120 * 3_600_000 },
    ],
  ];

  it.each(queries)('agree with the pages: %s', (_name, query) => {
    const counts = library.galleryCounts(query);
    expect(GalleryCountsSchema.safeParse(counts).success).toBe(true);
    for (const account of ACCOUNTS) {
      const counted = counts.accounts.find((entry) => entry.account === account)?.count ?? 0;
      expect(counted, account).toBe(walked(query, account));
    }
    expect(counts.accounts.every((entry) => entry.count > 0)).toBe(true);
  });

  it('count a text search with prefixes and filters as the pages match it', () => {
    const first = library.gallery({ limit: 1 }).items[0];
    const word = (first?.prompt ?? '').split(/\W+/).find((w) => w.length > 4) ?? 'light';
    for (const query of [
      { text: word },
      { text: word.slice(0, 4) },
      { text: word, contentType: 'video' },
      { text: 'nothingmatchesthis' },
    ]) {
      const counts = library.galleryCounts(query);
      const total = counts.accounts.reduce((sum, entry) => sum + entry.count, 0);
      expect(total).toBe(ACCOUNTS.reduce((sum, account) => sum + walked(query, account), 0));
      for (const entry of counts.accounts) expect(entry.count).toBe(walked(query, entry.account));
    }
    expect(library.galleryCounts({ text: word }).accounts.length).toBeGreaterThan(0);
    expect(library.galleryCounts({ text: 'nothingmatchesthis' }).accounts).toEqual([]);
  });

  it('list the largest account first', () => {
    const counts = library.galleryCounts({}).accounts.map((entry) => entry.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });
});
