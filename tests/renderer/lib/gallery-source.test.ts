import { describe, expect, it } from 'vitest';
import { toTile } from '../../../src/renderer/src/lib/gallery-source';
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
