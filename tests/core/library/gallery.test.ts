import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorError, openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import type { FileCopy, GalleryItem, GalleryQuery } from '../../../src/shared/domain/library';
import {
  GalleryPageSchema,
  FacetsSchema,
  LibraryStatsSchema,
  TaskListPageSchema,
  WorkDetailSchema,
} from '../../../src/shared/domain/library';
import { buildFtsQuery } from '../../../src/core/library/fts-query';
import { GALLERY_DEFAULTS } from '../../../src/core/library/gallery-options';

const { maxPrefixWords: MAX_PREFIX_WORDS } = GALLERY_DEFAULTS;
import { BIG, tempFolder } from './helpers';
import { makeSnapshot, promptFor, random } from './fixtures/snapshots';

let library: Library;
let cleanup: () => void;
const ACCOUNTS = ['a@example.com', 'b@example.com'];
const N = 300;

beforeAll(() => {
  const temp = tempFolder();
  cleanup = temp.cleanup;
  library = openLibrary(temp.dir, { sidecars: false });
  const rand = random(7);
  const inputs = [];
  for (let i = 0; i < N; i += 1) {
    const image = i % 5 === 0;
    inputs.push(
      makeSnapshot(ACCOUNTS[i % 2] as string, {
        taskId: BIG(i * 10),
        workIds: image ? [BIG(i * 10 + 1), BIG(i * 10 + 2)] : [BIG(i * 10 + 1)],
        // Several works share a millisecond, to exercise the key's tie-breaker.
        createTime: 1_740_000_000_000 + Math.floor(i / 3) * 60_000,
        contentType: image ? 'image' : 'video',
        durationMs: 5000 + (i % 7) * 1000,
        prompt: i === 42 ? 'A "quoted" NEAR lighthouse* (storm' : promptFor(rand),
        modelVersion: i % 3 === 0 ? '1.6' : '2.1',
        favored: i % 10 === 0,
      }),
    );
  }
  library.ingestMany(inputs);
});
afterAll(() => {
  library.close();
  cleanup();
});

function allPages(query: GalleryQuery): GalleryItem[] {
  const items: GalleryItem[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard += 1) {
    const page = library.gallery({ ...query, limit: 17, cursor });
    expect(GalleryPageSchema.safeParse(page).success).toBe(true);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('pagination did not end');
}

const total = N + N / 5;

describe('keyset pagination', () => {
  it('walks every work exactly once, newest first', () => {
    const items = allPages({ sort: 'newest' });
    expect(items).toHaveLength(total);
    expect(new Set(items.map((i) => i.workId)).size).toBe(total);
    for (let i = 1; i < items.length; i += 1) {
      expect((items[i - 1] as GalleryItem).createdAt).toBeGreaterThanOrEqual(
        (items[i] as GalleryItem).createdAt,
      );
    }
  });

  it('oldest is newest reversed, and longest orders by duration', () => {
    const newest = allPages({ sort: 'newest' }).map((i) => i.workId);
    expect(allPages({ sort: 'oldest' }).map((i) => i.workId)).toEqual([...newest].reverse());
    const longest = allPages({ sort: 'longest' });
    expect(longest).toHaveLength(total);
    const durations = longest.map((i) => i.durationMs ?? 0);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    expect(longest.at(-1)?.contentType).toBe('image'); // images (no duration) last
  });

  it('combines filters with the cursor', () => {
    const query: GalleryQuery = { account: 'a@example.com', contentType: 'video', modelVersion: '2.1' };
    const items = allPages(query);
    expect(items.length).toBeGreaterThan(0);
    expect(
      items.every(
        (i) => i.account === 'a@example.com' && i.contentType === 'video' && i.modelVersion === '2.1',
      ),
    ).toBe(true);
    const favorites = allPages({ favoritesOnly: true, sort: 'oldest' });
    expect(favorites.every((i) => i.favorite)).toBe(true);
    expect(favorites).toHaveLength(library.facets().favorites);
    const from = 1_740_000_000_000 + 10 * 60_000;
    const to = from + 5 * 60_000;
    const ranged = allPages({ createdFrom: from, createdTo: to });
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged.every((i) => i.createdAt >= from && i.createdAt < to)).toBe(true);
    // A range walked through the text index (its rowid is the key), page by page.
    const wide = { createdFrom: from, createdTo: from + 80 * 60_000 };
    const rangedText = allPages({ text: 'fox', ...wide });
    expect(rangedText.length).toBeGreaterThan(17);
    expect(rangedText.map((i) => i.workId)).toEqual(
      allPages(wide)
        .filter((i) => /\bfox/i.test(i.prompt ?? ''))
        .map((i) => i.workId),
    );
    expect(library.gallery({ account: 'nobody@example.com' })).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a cursor from another sort, or a damaged one', () => {
    const cursor = library.gallery({ limit: 5 }).nextCursor;
    expect(() => library.gallery({ sort: 'longest', cursor })).toThrow(CursorError);
    expect(() => library.gallery({ cursor: 'not a cursor' })).toThrow(CursorError);
    // Keys are whole numbers: a fraction or a number past 2^53 was not made by the library.
    for (const key of ['1.5', '1e300', '9007199254740993'])
      expect(() =>
        library.gallery({ cursor: Buffer.from(`{"s":"newest","k":[${key}]}`).toString('base64url') }),
      ).toThrow(CursorError);
    // Text where a key belongs is refused, never put into the SQL.
    expect(() =>
      library.gallery({
        cursor: Buffer.from('{"s":"newest","k":["1; DROP TABLE works"]}').toString('base64url'),
      }),
    ).toThrow(CursorError);
    expect(library.gallery({ limit: 1 }).items).toHaveLength(1);
  });
});

describe('seeking a position (a jump with no cursor yet)', () => {
  const shapes: GalleryQuery[] = [
    {},
    { sort: 'oldest' },
    { sort: 'longest' },
    { account: 'b@example.com', contentType: 'video' },
    { favoritesOnly: true, sort: 'longest' },
    // One filter: the facet counts hold its size, so the far half is sought from the end.
    { account: 'a@example.com' },
    { contentType: 'image', sort: 'oldest' },
    { text: 'fox' },
    { text: 'fox', sort: 'longest' },
  ];
  it('answers the cursor of the page that starts exactly there, in every sort and filter', () => {
    for (const query of shapes) {
      const all = allPages(query).map((item) => item.workId);
      expect(all.length).toBeGreaterThan(3);
      for (const position of [0, 1, Math.floor(all.length / 2), all.length - 1]) {
        const landing = library.gallerySeek(query, position);
        expect(landing.atEnd).toBe(false);
        if (position === 0) expect(landing.cursor).toBeNull();
        const page = library.gallery({ ...query, cursor: landing.cursor, limit: 5 });
        expect(page.items.map((item) => item.workId)).toEqual(all.slice(position, position + 5));
      }
      expect(library.gallerySeek(query, all.length)).toMatchObject({ atEnd: true });
      expect(library.gallerySeek(query, all.length + 1000)).toEqual({ cursor: null, atEnd: true });
    }
  });

  it('lands nowhere for an unknown account', () => {
    expect(library.gallerySeek({ account: 'nobody@example.com' }, 3)).toEqual({ cursor: null, atEnd: true });
  });
});

describe('text search', () => {
  it('matches word prefixes and highlights them', () => {
    const page = library.gallery({ text: 'lightho', limit: 500 });
    expect(page.items.length).toBeGreaterThan(0);
    for (const item of page.items) {
      expect(item.prompt?.toLowerCase()).toContain('lightho');
      expect(item.snippet?.some((part) => part.match && part.text.toLowerCase().startsWith('lightho'))).toBe(
        true,
      );
    }
  });

  it('a long trailing prefix, expanded into whole words, finds exactly the works the prefix finds', () => {
    const byPrefix = library.db.prepare(
      `SELECT w.work_id FROM work_search JOIN works w ON w.id = work_search.rowid
       WHERE work_search MATCH ?`,
    );
    const truth = (match: string) =>
      (byPrefix.all(match) as Array<{ work_id: string }>).map((row) => row.work_id).sort();
    for (const [text, match] of [
      ['ligh', '{prompt type} : ("ligh"*)'],
      ['lightho', '{prompt type} : ("lightho"*)'],
      ['LÌGHT', '{prompt type} : ("light"*)'],
      ['danc', '{prompt type} : ("danc"*)'],
      ['red fo', '{prompt type} : ("red" "fo"*)'],
      ['glass wha', '{prompt type} : ("glass" "wha"*)'],
      ['photoreal', '{prompt type} : ("photoreal"*)'],
      ['nowordstartslikethis', '{prompt type} : ("nowordstartslikethis"*)'],
    ] as const) {
      const expected = truth(match);
      for (const sort of ['newest', 'oldest', 'longest'] as const) {
        const found = allPages({ text, sort }).map((item) => item.workId);
        expect(found.sort(), `${text} (${sort})`).toEqual(expected);
      }
    }
    expect(truth('{prompt type} : ("light"*)').length).toBeGreaterThan(0);
    // The expansion itself: an OR of the given words, or the prefix term when there is none.
    expect(buildFtsQuery('glass whal', () => ['whale', 'whales'])).toBe(
      '{prompt type} : ("glass" AND ("whale" OR "whales"))',
    );
    expect(buildFtsQuery('glass whal', () => [])).toBe('{prompt type} : ("glass" AND "whal"*)');
    expect(buildFtsQuery('glass whal', () => null)).toBe('{prompt type} : ("glass" AND "whal"*)');
    // Short prefixes have their own prefix index: never expanded.
    expect(buildFtsQuery('wha', () => ['whale'])).toBe('{prompt type} : ("wha"*)');
  });

  it('all words must match; a quoted phrase matches exactly', () => {
    const both = allPages({ text: 'red fox' });
    expect(both.length).toBeGreaterThan(0);
    expect(both.every((i) => /red/i.test(i.prompt ?? '') && /fox/i.test(i.prompt ?? ''))).toBe(true);
    const phrase = allPages({ text: '"a red fox"' });
    expect(phrase.every((i) => i.prompt?.includes('a red fox'))).toBe(true);
    expect(allPages({ text: '"fox red"' })).toHaveLength(0);
  });

  it('pages through text results with filters and every sort', () => {
    for (const sort of ['newest', 'oldest', 'longest'] as const) {
      const items = allPages({ text: 'a', sort, account: 'b@example.com' });
      expect(new Set(items.map((i) => i.workId)).size).toBe(items.length);
      expect(items.every((i) => i.account === 'b@example.com')).toBe(true);
    }
  });

  it('never breaks on odd input', () => {
    const hostile = [
      '"',
      '""',
      '*',
      'NEAR',
      'NEAR(',
      'a NEAR b',
      '(((',
      ')',
      'AND',
      'OR OR',
      'NOT',
      '-',
      '^',
      ':',
      'prompt:',
      '{prompt}',
      "'; DROP TABLE works; --",
      '\u0000',
      '𝔘𝔫𝔦',
      'ä*"(',
      '   ',
      'lighthouse* (storm',
    ];
    for (const text of hostile) {
      expect(() => library.gallery({ text }), text).not.toThrow();
    }
    expect(library.gallery({ text: 'lighthouse* (storm' }).items.map((i) => i.taskId)).toContain(BIG(420));
    expect(library.gallery({ text: 'NEAR' }).items.map((i) => i.taskId)).toContain(BIG(420));
    expect(buildFtsQuery('   ')).toBeNull();
    expect(library.gallery({ text: '((( ' }).items.length).toBe(total > 60 ? 60 : total); // nothing searchable: no filter
  });
});

describe('facets, detail, task list, statistics', () => {
  it('facet counts match the works', () => {
    const facets = library.facets();
    expect(FacetsSchema.safeParse(facets).success).toBe(true);
    expect(facets.total).toBe(total);
    expect(facets.accounts.reduce((s, f) => s + f.count, 0)).toBe(total);
    expect(facets.contentTypes).toEqual([
      { value: 'video', count: N - N / 5 },
      { value: 'image', count: (N / 5) * 2 },
    ]);
    library.setFavorite(BIG(11), true);
    library.setFavorite(BIG(11), false);
    expect(library.facets().favorites).toBe(facets.favorites);
  });

  it('a work detail carries its task, arguments and siblings', () => {
    const detail = library.workDetail(BIG(1));
    expect(WorkDetailSchema.safeParse(detail).success).toBe(true);
    expect(detail?.task.taskId).toBe(BIG(0));
    expect(detail?.siblingWorkIds).toEqual([BIG(2)]);
    expect(library.workDetail('1')).toBeNull();
  });

  it('lists tasks newest first with a cursor, and statistics add up', () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = library.taskList({ limit: 40, cursor });
      expect(TaskListPageSchema.safeParse(page).success).toBe(true);
      seen.push(...page.items.map((i) => i.taskId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(N);
    const stats = library.stats();
    expect(LibraryStatsSchema.safeParse(stats).success).toBe(true);
    expect(stats).toMatchObject({ tasks: N, works: total, bytes: 0 });
    expect(stats.accounts.map((a) => a.email)).toEqual(ACCOUNTS);
  });
});

describe('a prefix that starts more words than the expansion lists', () => {
  it('still finds every work, through the prefix term', () => {
    const temp = tempFolder();
    const own = openLibrary(temp.dir, { sidecars: false });
    try {
      const count = MAX_PREFIX_WORDS + 10;
      const letters = (n: number) => String.fromCharCode(97 + Math.floor(n / 26), 97 + (n % 26));
      own.ingestMany(
        Array.from({ length: count }, (_, i) =>
          makeSnapshot('c@example.com', {
            taskId: BIG(5000 + i * 10),
            workIds: [BIG(5000 + i * 10 + 1)],
            createTime: 1_740_000_000_000 + i * 1000,
            prompt: `a zorbi${letters(i)} in the fog`,
          }),
        ),
      );
      const found = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = own.gallery({ text: 'Zorbi', limit: 25, cursor });
        page.items.forEach((item) => found.add(item.workId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(found.size).toBe(count);
      // Below the bound, the same words are listed and found.
      expect(own.gallery({ text: 'zorbia', limit: 100 }).items).toHaveLength(26);
    } finally {
      own.close();
      temp.cleanup();
    }
  });
});

describe('text sorted by longest over more matches than are sorted at once', () => {
  it('walks the duration index and pages through exactly the matches, longest first', () => {
    const temp = tempFolder();
    // Sets of more than 200 matches keep their ids only (the default bound needs thousands of works).
    const own = openLibrary(temp.dir, {
      sidecars: false,
      gallery: { sortedMatchesMax: 200, sortedMatchesMin: 200 },
    });
    try {
      const count = 600;
      own.ingestMany(
        Array.from({ length: count }, (_, i) =>
          makeSnapshot(i % 2 === 0 ? 'd@example.com' : 'e@example.com', {
            taskId: BIG(100_000 + i * 10),
            workIds: [BIG(100_000 + i * 10 + 1)],
            createTime: 1_740_000_000_000 + i * 1000,
            contentType: 'video',
            // Few distinct durations: the id breaks ties, across page boundaries too.
            durationMs: 5000 + (i % 13) * 100,
            prompt: i % 50 === 0 ? 'a blue whale at dawn' : `a red fox number ${i}`,
          }),
        ),
      );
      const truth = own.db.prepare(
        `SELECT w.work_id FROM works w JOIN tasks t ON t.id = w.task_id
         WHERE t.prompt LIKE '%fox%' AND (? IS NULL OR w.account_id = (SELECT id FROM accounts WHERE email = ?))
         ORDER BY w.duration_ms DESC, w.id DESC`,
      );
      for (const account of [undefined, 'e@example.com']) {
        const expected = (truth.all(account ?? null, account ?? null) as Array<{ work_id: string }>).map(
          (row) => row.work_id,
        );
        const found: string[] = [];
        let cursor: string | null = null;
        do {
          const page = own.gallery({ text: 'fox', sort: 'longest', account, limit: 500, cursor });
          found.push(...page.items.map((item) => item.workId));
          expect(page.items.every((item) => item.snippet?.some((part) => part.match))).toBe(true);
          cursor = page.nextCursor;
        } while (cursor);
        expect(found).toEqual(expected);
        // A jump deep into the walked order lands where paging would have.
        const deep = Math.floor(expected.length * 0.6);
        const landing = own.gallerySeek({ text: 'fox', sort: 'longest', account }, deep);
        expect(landing.atEnd).toBe(false);
        const there = own.gallery({
          text: 'fox',
          sort: 'longest',
          account,
          cursor: landing.cursor,
          limit: 3,
        });
        expect(there.items.map((item) => item.workId)).toEqual(expected.slice(deep, deep + 3));
      }
      expect(own.gallery({ text: 'whale', sort: 'longest', limit: 500 }).items).toHaveLength(count / 50);
    } finally {
      own.close();
      temp.cleanup();
    }
  });
});

describe('which copy a work’s archived media is', () => {
  it('says watermarked true, false or null (unknown, or nothing archived) in every query shape', () => {
    const temp = tempFolder();
    const own = openLibrary(temp.dir, { sidecars: false });
    try {
      // Works 0-4: watermark-free, watermarked, unknown copy, not downloaded, download failed;
      // work 5 is an image from the result URL. Newest first: 5, 4, 3, 2, 1, 0.
      const copies: Array<FileCopy | null | 'pending' | 'failed'> = [
        'watermark-free',
        'watermarked',
        null,
        'pending',
        'failed',
        'watermarked',
      ];
      const taskIds = copies.map((_, i) => BIG(1000 + i * 10));
      own.ingestMany(
        copies.map((_, i) =>
          makeSnapshot(ACCOUNTS[0] as string, {
            taskId: taskIds[i] as string,
            workIds: [BIG(1000 + i * 10 + 1)],
            createTime: 1_740_000_000_000 + i * 60_000,
            contentType: i === 5 ? 'image' : 'video',
            durationMs: 5000 + i * 1000,
            prompt: `a lighthouse at night ${i}`,
          }),
        ),
      );
      copies.forEach((copy, i) => {
        for (const file of own.createFileRows(taskIds[i] as string)) {
          if (copy === 'pending') continue;
          if (copy === 'failed') own.recordFileFailed(file.id, 'HTTP 403');
          else own.recordFileDone(file.id, 10, 'e'.repeat(64), copy);
        }
      });
      const expected = [true, null, null, null, true, false]; // newest first
      const byWork = (items: GalleryItem[]) => items.map((item) => [item.workId, item.watermarked]);
      const newest = own.gallery({});
      expect(GalleryPageSchema.safeParse(newest).success).toBe(true);
      expect(newest.items.map((item) => item.watermarked)).toEqual(expected);
      // Only works with their media archived have a copy to speak of.
      expect(newest.items.map((item) => item.mediaPath !== null)).toEqual([
        true,
        false,
        false,
        true,
        true,
        true,
      ]);
      const truth = new Map(byWork(newest.items) as Array<[string, boolean | null]>);
      for (const query of [
        { sort: 'oldest' },
        { sort: 'longest' },
        { text: 'lighthouse' },
        { text: 'lighthouse', sort: 'longest' },
        { contentType: 'image' },
        { limit: 2 },
      ] satisfies GalleryQuery[]) {
        const page = own.gallery(query);
        expect(page.items.length).toBeGreaterThan(0);
        for (const item of page.items) expect(item.watermarked).toBe(truth.get(item.workId));
      }
      expect(own.workDetail(BIG(1000 + 1))?.work.watermarked).toBe(false);
      expect(own.workDetail(BIG(1000 + 1))?.files.find((f) => f.kind === 'video')?.copy).toBe(
        'watermark-free',
      );
      expect(own.workDetail(BIG(1000 + 51))?.files.find((f) => f.kind === 'image')?.copy).toBe('watermarked');
      expect(WorkDetailSchema.safeParse(own.workDetail(BIG(1000 + 1))).success).toBe(true);

      // Two archived media files for one work (its result URL changed extension): the path and the
      // copy shown come from the same file, the first one planned.
      const first = own.workDetail(BIG(1000 + 1))?.work.mediaPath;
      own.db
        .prepare(
          `INSERT INTO files (task_id, work_id, kind, rel_path, bytes, bytes_done, sha256, state, copy)
           SELECT task_id, work_id, 'video', rel_path || '.webm', 10, 10, sha256, 'done', 'watermarked'
           FROM files WHERE rel_path = ?`,
        )
        .run(first);
      expect(own.workDetail(BIG(1000 + 1))?.work).toMatchObject({ mediaPath: first, watermarked: false });
      expect(own.gallery({}).items).toHaveLength(copies.length);
    } finally {
      own.close();
      temp.cleanup();
    }
  });
});
