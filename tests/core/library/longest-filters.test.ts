// "Longest" under filters: the walk starts at the filters' longest duration (facet rows keep it), so
// a filter whose works are all short (images: 0 ms) does not pass every longer work first. Checked
// against the unfiltered order, across pages, and after the writes that move a work's duration or
// facet value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import type { GalleryItem, GalleryQuery } from '../../../src/shared/domain/library';
import { BIG, tempFolder } from './helpers';
import { longestPages } from './fixtures/longest-library';
import { makeSnapshot, random } from './fixtures/snapshots';

const BIG_ACCOUNT = 'many@example.com';
const SMALL_ACCOUNT = 'few@example.com';
const IMAGE_TYPE = 'mmu_txt2img_aiweb';
const START = 1_745_000_000_000;
const N = 400;

let library: Library;
let cleanup: () => void;

function snapshot(i: number, durationMs: number, updateTime?: number) {
  const image = i % 2 === 0;
  return makeSnapshot(i % 10 === 0 ? SMALL_ACCOUNT : BIG_ACCOUNT, {
    taskId: BIG(i * 10),
    workIds: [BIG(i * 10 + 1)],
    createTime: START + i * 60_000,
    ...(updateTime === undefined ? {} : { updateTime }),
    contentType: image ? 'image' : 'video',
    type: image ? IMAGE_TYPE : 'm2v_img2video_hq',
    durationMs: image ? 0 : durationMs,
    modelVersion: i % 3 === 0 ? '1.6' : '2.1',
    favored: i % 7 === 0,
    prompt: `work ${i}`,
  });
}

const durations = (() => {
  const rand = random(5);
  return Array.from({ length: N }, () => 5000 + Math.floor(rand() * 5000));
})();

beforeAll(() => {
  const temp = tempFolder();
  cleanup = temp.cleanup;
  library = openLibrary(temp.dir, { sidecars: false });
  library.ingestMany(Array.from({ length: N }, (_, i) => snapshot(i, durations[i] as number)));
});
afterAll(() => {
  library.close();
  cleanup();
});

const pages = (query: GalleryQuery, limit: number) => longestPages(library, query, limit);

const ids = (items: GalleryItem[]) => items.map((item) => item.workId);

const shapes: Array<[GalleryQuery, (item: GalleryItem) => boolean]> = [
  [{ contentType: 'image' }, (item) => item.contentType === 'image'],
  [{ taskType: IMAGE_TYPE }, (item) => item.taskType === IMAGE_TYPE],
  [{ contentType: 'video' }, (item) => item.contentType === 'video'],
  [{ account: SMALL_ACCOUNT }, (item) => item.account === SMALL_ACCOUNT],
  [{ account: BIG_ACCOUNT }, (item) => item.account === BIG_ACCOUNT],
  [{ favoritesOnly: true }, (item) => item.favorite],
  [
    { account: BIG_ACCOUNT, contentType: 'video', modelVersion: '1.6' },
    (item) => item.account === BIG_ACCOUNT && item.contentType === 'video' && item.modelVersion === '1.6',
  ],
  [{ modelVersion: 'none' }, () => false],
];

function expectFilteredOrder(): void {
  const everything = pages({}, 97);
  expect(everything).toHaveLength(N);
  for (const [query, keep] of shapes) {
    const expected = ids(everything.filter(keep));
    for (const limit of [7, 60]) expect(ids(pages(query, limit))).toEqual(expected);
  }
}

describe('"longest" under filters', () => {
  it('pages through exactly the filtered order, whichever durations the filter holds', () => {
    expectFilteredOrder();
  });

  it('still finds a work whose duration grew, and one that moved into a filter', () => {
    // A video re-ingested longer than any; the shortest video made a favorite.
    library.ingest(snapshot(10 + 1, 60_000, START + 10_000_000_000));
    const shortest = durations.reduce(
      (best, d, i) => (i % 2 === 1 && d < (durations[best] ?? 0) ? i : best),
      1,
    );
    library.setFavorite(BIG(shortest * 10 + 1), true);
    expect(ids(library.gallery({ account: BIG_ACCOUNT, sort: 'longest', limit: 1 }).items)).toEqual([
      BIG(111),
    ]);
    expectFilteredOrder();
  });
});
