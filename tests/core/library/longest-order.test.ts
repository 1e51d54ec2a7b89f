// "Longest" in every way a page can be read, against a plain ORDER BY over the same works: a few
// thousand works with random durations (many ties, images at 0 ms), the filter combinations the
// benchmark times, with and without text, each text query read from a sorted match set, from an id
// set walked along the duration index, and probed chunk by chunk (small GalleryOptions make a small
// library reach each way). Pages of several sizes, so cursors land inside runs of equal durations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import { buildFtsQuery } from '../../../src/core/library/fts-query';
import type { GalleryOptions } from '../../../src/core/library/gallery-options';
import { keyAtTime } from '../../../src/core/library/work-key';
import type { GalleryQuery } from '../../../src/shared/domain/library';
import { tempFolder } from './helpers';
import { longestPages } from './fixtures/longest-library';
import { makeSnapshot, promptFor, random } from './fixtures/snapshots';

const N = 3000;
const ACCOUNTS = ['alice@example.com', 'bob@example.com', 'carol@example.com'];
const START = 1_745_000_000_000;
const IMAGE_TYPE = 'mmu_txt2img_aiweb';

/** How each library reads text + longest. */
const WAYS: Record<string, Partial<GalleryOptions>> = {
  sorted: { sortedMatchesMin: N, sortedMatchesMax: N },
  'id set': { sortedMatchesMin: 10, sortedMatchesMax: 10 },
  probed: { probeMin: 100, probeSample: 256, probeMinDensity: 0.05, probeChunkMax: 64 },
};

let folder: { dir: string; cleanup: () => void };
const libraries: Record<string, Library> = {};

beforeAll(() => {
  folder = tempFolder();
  const rand = random(7);
  const first = openLibrary(folder.dir, { sidecars: false });
  const snapshots = Array.from({ length: N }, (_, i) => {
    const image = i % 8 === 0;
    // A few common durations (ties across pages) and random ones.
    const pick = rand();
    const duration = pick < 0.3 ? 5041 : pick < 0.5 ? 10041 : 5000 + Math.floor(rand() * 5000);
    return makeSnapshot(ACCOUNTS[i % 3] as string, {
      taskId: String(800_000_000_000 + i * 10),
      workIds: [String(800_000_000_000 + i * 10 + 1)],
      // Some works share a creation time: ties on duration are then broken by the key's tie-breaker.
      createTime: START + Math.floor(i / 2) * 30_000,
      contentType: image ? 'image' : 'video',
      type: image ? IMAGE_TYPE : 'm2v_img2video_hq',
      durationMs: duration,
      modelVersion: ['1.6', '2.0', '2.1'][i % 3] as string,
      prompt: promptFor(rand),
      favored: rand() < 0.1,
    });
  });
  first.ingestMany(snapshots);
  first.close();
  for (const [way, gallery] of Object.entries(WAYS)) {
    libraries[way] = openLibrary(folder.dir, { sidecars: false, gallery });
  }
}, 60_000);
afterAll(() => {
  for (const library of Object.values(libraries)) library.close();
  folder.cleanup();
});

const mid = START + (N / 4) * 30_000;
const FILTERS: GalleryQuery[] = [
  {},
  { account: 'bob@example.com' },
  { account: 'bob@example.com', contentType: 'image', modelVersion: '2.0' },
  { contentType: 'image' },
  { taskType: IMAGE_TYPE },
  { account: 'bob@example.com', favoritesOnly: true },
  { favoritesOnly: true },
  { createdFrom: mid, createdTo: mid + 200 * 30_000 },
  { account: 'carol@example.com', contentType: 'video' },
  { account: 'nobody@example.com' },
];
// Common (a subject: 10%), a word in 30% of the prompts, two words together (1%), a prefix.
const TEXTS = [undefined, 'fox', 'in ', 'whale noir', 'lig'];

/** The query's works by a plain ORDER BY, as work ids. */
function plainOrder(library: Library, query: GalleryQuery): string[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const condition = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (query.account !== undefined) condition('a.email = ?', query.account);
  if (query.contentType !== undefined) condition('w.content_type = ?', query.contentType);
  if (query.taskType !== undefined) condition('w.task_type = ?', query.taskType);
  if (query.modelVersion !== undefined) condition('w.model_version = ?', query.modelVersion);
  if (query.favoritesOnly) where.push('w.favorite = 1');
  if (query.createdFrom !== undefined) condition('w.id >= ?', keyAtTime(query.createdFrom));
  if (query.createdTo !== undefined) condition('w.id < ?', keyAtTime(query.createdTo));
  if (query.text) {
    condition('w.id IN (SELECT rowid FROM work_search WHERE work_search MATCH ?)', buildFtsQuery(query.text));
  }
  const rows = library.db
    .prepare(
      `SELECT w.work_id FROM works w JOIN accounts a ON a.id = w.account_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY w.duration_ms DESC, w.id DESC`,
    )
    .pluck()
    .all(...params) as string[];
  return rows;
}

describe('"longest" against a plain ORDER BY', () => {
  for (const way of Object.keys(WAYS)) {
    it(`gives the same order under every filter, text read from ${way === 'probed' ? 'probes' : `a ${way}`}`, () => {
      const library = libraries[way] as Library;
      let compared = 0;
      for (const text of TEXTS) {
        if (text === undefined && way !== 'sorted') continue;
        for (const filter of FILTERS) {
          const query = { ...filter, ...(text === undefined ? {} : { text }) };
          const expected = plainOrder(library, query);
          for (const limit of [13, 60]) {
            const found = longestPages(library, query, limit).map((item) => item.workId);
            expect(found, `${JSON.stringify(query)} by ${limit}`).toEqual(expected);
          }
          compared += expected.length;
        }
      }
      expect(compared).toBeGreaterThan(N);
    });
  }

  it('reads text + longest in each of the three ways', () => {
    const built = (way: string) => (libraries[way] as Library).gallerySetCounts().built;
    const before = built('probed');
    longestPages(libraries.probed as Library, { text: 'in ' }, 60);
    // Probing reads no match set; the rare match is read from one.
    expect(built('probed')).toBe(before);
    // Not read before in this library (whole words, no prefix): one set built.
    longestPages(libraries.probed as Library, { text: 'whale noir ' }, 60);
    expect(built('probed')).toBe(before + 1);
  });
});
