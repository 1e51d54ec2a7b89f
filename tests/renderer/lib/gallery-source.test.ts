import { describe, expect, it } from 'vitest';
import { GalleryProvider, toTile } from '../../../src/renderer/src/lib/gallery-source';
import type { Call } from '../../../src/renderer/src/lib/backend';
import { openLibrary } from '../../../src/core/library';
import { BIG, tempFolder } from '../../core/library/helpers';
import { makeSnapshot } from '../../core/library/fixtures/snapshots';
import { GalleryItemSchema, type GalleryItem } from '../../../src/shared/domain/library';

const item = (over: Partial<GalleryItem> = {}): GalleryItem =>
  GalleryItemSchema.parse({
    workId: '9007199254740995',
    taskId: '9007199254740993',
    account: 'me@example.com',
    contentType: 'video',
    taskType: 'm2v_txt2video_hq',
    modelVersion: '2.1',
    phase: 'succeeded',
    width: 724,
    height: 1268,
    durationMs: 5041,
    createdAt: 1_744_858_514_499,
    favorite: false,
    prompt: 'A person dancing',
    snippet: null,
    mediaPath: 'me@example.com/2025-04/9007199254740993/9007199254740995.mp4',
    coverPath: 'me@example.com/2025-04/9007199254740993/9007199254740995.cover.jpg',
    watermarked: null,
    ...over,
  });

const mediaUrl = (relativePath: string) => `media://${relativePath}`;

describe('toTile', () => {
  it('shows the watermark badge only for a work known to be archived watermarked', () => {
    expect(toTile(item({ watermarked: true }), mediaUrl).watermark).toBe(true);
    expect(toTile(item({ watermarked: false }), mediaUrl).watermark).toBe(false);
    expect(toTile(item({ watermarked: null }), mediaUrl).watermark).toBeNull();
  });

  it('keeps the exact work id and the library paths', () => {
    const tile = toTile(item(), mediaUrl);
    expect(tile.id).toBe('9007199254740995');
    expect(tile.coverUrl).toBe('media://me@example.com/2025-04/9007199254740993/9007199254740995.cover.jpg');
    expect(tile.previewUrl).toBe('media://me@example.com/2025-04/9007199254740993/9007199254740995.mp4');
  });
});

describe('GalleryProvider over a real library', () => {
  it('jumps far with one seek and one page, and reads near places from the last known cursor', async () => {
    const temp = tempFolder();
    const library = openLibrary(temp.dir, { sidecars: false });
    try {
      const count = 3000;
      library.ingestMany(
        Array.from({ length: count }, (_, i) =>
          makeSnapshot('me@example.com', {
            taskId: BIG(i * 10),
            workIds: [BIG(i * 10 + 1)],
            createTime: 1_740_000_000_000 + i * 1000,
            contentType: 'video',
            prompt: `work number ${i}`,
          }),
        ),
      );
      const calls: string[] = [];
      const call = (async (method: string, input: Record<string, unknown>) => {
        calls.push(method);
        if (method === 'library.seek') {
          const { position, ...query } = input as { position: number };
          return library.gallerySeek(query, position);
        }
        return library.gallery(input);
      }) as Call;
      const provider = new GalleryProvider(call, { sort: 'newest' });
      const signal = new AbortController().signal;
      const newestFirst = (i: number) => BIG((count - 1 - i) * 10 + 1);

      const far = await provider.loadPage({ cursor: null, offset: 2500, limit: 100, signal });
      expect(calls).toEqual(['library.seek', 'library.gallery']);
      expect(far.items.map((item) => item.workId)).toEqual(
        Array.from({ length: 100 }, (_, i) => newestFirst(2500 + i)),
      );

      // Just past a known place: one page read from there, no seek.
      calls.length = 0;
      const near = await provider.loadPage({ cursor: null, offset: 2650, limit: 100, signal });
      expect(calls).toEqual(['library.gallery']);
      expect(near.items[0]?.workId).toBe(newestFirst(2650));

      // Past the end: nothing, and said so.
      calls.length = 0;
      const past = await provider.loadPage({ cursor: null, offset: 5000, limit: 100, signal });
      expect(past).toEqual({ items: [], nextCursor: null });
      expect(calls).toEqual(['library.seek']);
    } finally {
      library.close();
      temp.cleanup();
    }
  });
});
