// A synthetic library: item i is derived from i alone, so a million items cost no memory.
import type { TileData } from '../../../../src/renderer/src/lib/tile';
import type { ItemsProvider } from '../../../../src/renderer/src/lib/virtual/page-cache';

const ASPECTS: [number, number][] = [
  [1280, 720],
  [720, 1280],
  [1024, 1024],
  [960, 720],
];
const WORDS = [
  'aurora',
  'lighthouse',
  'koi',
  'glacier',
  'neon',
  'desert',
  'orchid',
  'comet',
  'harbor',
  'fox',
];

function cover(i: number, w: number, h: number): string {
  const hue = (i * 47) % 360;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w / 8}" height="${h / 8}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},55%,62%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},50%,38%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

export function syntheticItem(i: number): TileData {
  const [width, height] = ASPECTS[i % ASPECTS.length] ?? [1280, 720];
  const video = i % 5 !== 4;
  return {
    id: String(10_000_000_000_000_000n + BigInt(i)),
    title: `#${i} ${WORDS[i % WORDS.length]} over a ${WORDS[(i * 7) % WORDS.length]} at dusk`,
    contentType: video ? 'video' : 'image',
    coverUrl: cover(i, width, height),
    previewUrl: null,
    durationMs: video ? (5 + (i % 2) * 5) * 1000 : null,
    width,
    height,
    account: i % 3 === 0 ? 'studio@example.com' : 'me@example.com',
    favorite: i % 11 === 0,
    watermark: i % 7 === 0,
    snippet: null,
  };
}

export interface RecordedRequest {
  cursor: string | null;
  offset: number;
  limit: number;
}

export function syntheticProvider(
  total: number,
  requests: RecordedRequest[],
  delayMs = 15,
): ItemsProvider<TileData> {
  return {
    async loadPage({ cursor, offset, limit }) {
      requests.push({ cursor, offset, limit });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const start = cursor === null ? offset : Number(cursor) + 1;
      const end = Math.min(total, start + limit);
      const items = Array.from({ length: Math.max(0, end - start) }, (_, k) => syntheticItem(start + k));
      return { items, nextCursor: end < total ? String(end - 1) : null };
    },
  };
}
