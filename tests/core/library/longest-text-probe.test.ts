// Text + "longest" for a word in most prompts of a big library: pages walk the duration index in
// chunks and match each chunk in the small temp text index instead of reading every match first
// (GalleryOptions.probeMin, made small here so that 2,000 works reach it). Checked against the unfiltered order, and a seek there still lands exactly (it reads
// the matches: probing would walk up to it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary } from '../../../src/core/library';
import type { Library } from '../../../src/core/library';
import type { GalleryItem } from '../../../src/shared/domain/library';
import { BIG, tempFolder } from './helpers';
import { longestPages } from './fixtures/longest-library';
import { makeSnapshot, random } from './fixtures/snapshots';

// The matches must reach probeMin: 2,000 × 0.95 ≈ 1,900. Chunks of 64 works: several a page.
const N = 2000;
const gallery = { probeMin: 1500, probeSample: 256, probeChunkMax: 64 };
let library: Library;
let cleanup: () => void;

beforeAll(() => {
  const temp = tempFolder();
  cleanup = temp.cleanup;
  library = openLibrary(temp.dir, { sidecars: false, gallery });
  const rand = random(21);
  for (let from = 0; from < N; from += 2000) {
    const batch = [];
    for (let i = from; i < Math.min(N, from + 2000); i += 1) {
      const image = i % 6 === 0;
      batch.push(
        makeSnapshot('a@example.com', {
          taskId: BIG(i * 10),
          workIds: [BIG(i * 10 + 1)],
          createTime: 1_745_000_000_000 + i * 1000,
          contentType: image ? 'image' : 'video',
          durationMs: image ? 0 : 5000 + Math.floor(rand() * 5000),
          // "river" in about 95% of the prompts: dense enough to probe.
          prompt: rand() < 0.95 ? `a boat on the river, take ${i}` : `a boat at sea, take ${i}`,
        }),
      );
    }
    library.ingestMany(batch);
  }
});
afterAll(() => {
  library.close();
  cleanup();
});

const ids = (items: GalleryItem[]) => items.map((item) => item.workId);

describe('text + "longest" for a dense word', () => {
  it('pages through exactly the matches, longest first, without reading them all first', () => {
    const everything = longestPages(library, {}, 5000);
    expect(everything).toHaveLength(N);
    const expected = ids(everything.filter((item) => /\briver\b/.test(item.prompt ?? '')));
    const built = library.gallerySetCounts().built;
    const firstPages = longestPages(library, { text: 'river ' }, 60).slice(0, 600);
    expect(ids(firstPages)).toEqual(expected.slice(0, 600));
    expect(ids(longestPages(library, { text: 'river ' }, 2000))).toEqual(expected);
    expect(library.gallerySetCounts().built).toBe(built);
    // The marked snippet is there as on any text page.
    expect(firstPages[0]?.snippet?.some((part) => part.match && part.text.toLowerCase() === 'river')).toBe(
      true,
    );
  });

  it('lands a seek exactly, reading the matches for it', () => {
    const expected = ids(longestPages(library, { text: 'river ' }, 2000));
    const position = Math.floor(expected.length * 0.6);
    const landing = library.gallerySeek({ text: 'river ', sort: 'longest' }, position);
    const page = library.gallery({ text: 'river ', sort: 'longest', cursor: landing.cursor, limit: 5 });
    expect(ids(page.items)).toEqual(expected.slice(position, position + 5));
  });
});
