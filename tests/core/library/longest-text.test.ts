import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { GALLERY_DEFAULTS } from '../../../src/core/library/gallery-options';
import type { GalleryItem, GalleryQuery } from '../../../src/shared/domain/library';
import { BIG, tempFolder } from './helpers';
import { ACCOUNTS, fillLongestLibrary, longestPages, START } from './fixtures/longest-library';
import { makeSnapshot } from './fixtures/snapshots';

// Text + "longest" reads a kept match set: sorted (few matches) or walked against the duration
// index (many). Both are checked against a brute-force order, across pages, cursors and changes.
let library: Library;
let cleanup: () => void;

beforeAll(() => {
  const temp = tempFolder();
  cleanup = temp.cleanup;
  library = openLibrary(temp.dir, { sidecars: false });
  fillLongestLibrary(library);
});
afterAll(() => {
  library.close();
  cleanup();
});

/** Every work matching `word`, longest first, newest first among equals (created times differ). */
function bruteForce(word: string, account?: string): string[] {
  const items: GalleryItem[] = [];
  let cursor: string | null = null;
  do {
    const page = library.gallery({ limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items
    .filter((item) => new RegExp(`\\b${word}\\b`).test(item.prompt ?? ''))
    .filter((item) => account === undefined || item.account === account)
    .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0) || b.createdAt - a.createdAt)
    .map((item) => item.workId);
}

const pages = (query: GalleryQuery, limit: number) => longestPages(library, query, limit);

describe('text sorted by longest', () => {
  it('pages through exactly the brute-force order, many matches, few and none, with any page size', () => {
    for (const [word, account] of [
      ['fox', undefined],
      ['fox', 'b@example.com'],
      ['whale', undefined],
      ['comet', undefined],
      ['comet', 'a@example.com'],
      ['zebra', undefined],
    ] as const) {
      const expected = bruteForce(word, account);
      // More fox matches than are kept sorted: the walk over the duration index.
      if (word === 'fox' && !account) expect(expected.length).toBeGreaterThan(GALLERY_DEFAULTS.sortedMatchesMin);
      for (const limit of [1, 7, 60, 1000]) {
        const found = pages({ text: `${word} `, account }, limit);
        expect(
          found.map((item) => item.workId),
          `${word} ${account ?? ''} by ${limit}`,
        ).toEqual(expected);
        if (limit === 60)
          expect(found.every((item) => item.snippet?.some((part) => part.match && part.text === word))).toBe(
            true,
          );
      }
    }
  });

  it('continues a cursor taken from any page, and a jump lands where paging would', () => {
    const expected = bruteForce('fox');
    let cursor: string | null = null;
    for (let page = 0; page < 5; page += 1)
      cursor = library.gallery({ text: 'fox ', sort: 'longest', limit: 13, cursor }).nextCursor;
    // Another query in between (its own match set), then the cursor again.
    library.gallery({ text: 'whale ', sort: 'longest' });
    library.gallery({ text: 'comet ', sort: 'longest' });
    library.gallery({ text: 'number ', sort: 'longest' });
    const next = library.gallery({ text: 'fox ', sort: 'longest', limit: 13, cursor });
    expect(next.items.map((item) => item.workId)).toEqual(expected.slice(65, 78));
    for (const position of [1, 500, expected.length - 2]) {
      const landing = library.gallerySeek({ text: 'fox ', sort: 'longest' }, position);
      const there = library.gallery({ text: 'fox ', sort: 'longest', cursor: landing.cursor, limit: 3 });
      expect(there.items.map((item) => item.workId)).toEqual(expected.slice(position, position + 3));
    }
  });

  it('sees a change of the library on the next page: new, changed and removed works', () => {
    const first = library.gallery({ text: 'fox ', sort: 'longest', limit: 5 });
    // A new longest fox, a fox that becomes a whale, and a removed fox.
    library.ingest(
      makeSnapshot(ACCOUNTS[0] as string, {
        taskId: BIG(900_000),
        workIds: [BIG(900_001)],
        createTime: START - 10_000,
        durationMs: 20_000,
        prompt: 'the longest fox',
      }),
    );
    const changed = first.items[1]!;
    library.ingest(
      makeSnapshot(changed.account, {
        taskId: changed.taskId,
        workIds: [changed.workId],
        createTime: changed.createdAt - 16,
        durationMs: changed.durationMs ?? 0,
        prompt: 'now a whale',
      }),
    );
    library.removeTask(first.items[2]!.taskId);
    const expected = bruteForce('fox');
    expect(expected[0]).toBe(BIG(900_001));
    expect(expected).not.toContain(changed.workId);
    expect(expected).not.toContain(first.items[2]!.workId);
    expect(pages({ text: 'fox ' }, 250).map((item) => item.workId)).toEqual(expected);
    expect(pages({ text: 'whale ' }, 250).map((item) => item.workId)).toEqual(bruteForce('whale'));
    // Inside a caller's transaction, and after it rolled back, the pages stay right.
    expect(() =>
      library.db.transaction(() => {
        expect(pages({ text: 'comet ' }, 40).map((item) => item.workId)).toEqual(bruteForce('comet'));
        throw new Error('rollback');
      })(),
    ).toThrow('rollback');
    expect(pages({ text: 'comet ' }, 40).map((item) => item.workId)).toEqual(bruteForce('comet'));
  });
});
