// The gallery's data: route filters → the library's gallery query, a keyset-paged provider for the
// grid, the item count for the scrollbar, and the tile each item shows.
import type { GalleryItem } from '../../../shared/domain/library';
import type { MethodInput, MethodOutput } from '../../../shared/contract';
import type { Call, MediaUrl } from './backend';
import type { GalleryFilters } from './router';
import type { ItemsPage, ItemsProvider, PageRequest } from './virtual/page-cache';
import type { TileData } from './tile';
import { markOnce } from './load-marks';
import { DEFAULT_GRID, cellsOnScreen, type GridOptions } from './virtual/grid-geometry';

type GalleryInput = MethodInput<'library.gallery'>;

const DAY_MS = 86_400_000;

/** Local midnight of an ISO date, in ms. */
function localDay(iso: string): number {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}

export function galleryQuery(filters: GalleryFilters): Omit<GalleryInput, 'cursor' | 'limit'> {
  const query: Omit<GalleryInput, 'cursor' | 'limit'> = { sort: filters.sort };
  const text = filters.q.trim();
  if (text) query.text = text;
  if (filters.account) query.account = filters.account;
  if (filters.contentType) query.contentType = filters.contentType;
  if (filters.taskType) query.taskType = filters.taskType;
  if (filters.model) query.modelVersion = filters.model;
  if (
    filters.phase === 'queued' ||
    filters.phase === 'running' ||
    filters.phase === 'succeeded' ||
    filters.phase === 'failed'
  )
    query.phase = filters.phase;
  if (filters.from) query.createdFrom = localDay(filters.from);
  // `createdTo` is exclusive: the end of the chosen day.
  if (filters.to) query.createdTo = localDay(filters.to) + DAY_MS;
  if (filters.favorites) query.favoritesOnly = true;
  return query;
}

/** Items per gallery page. */
export const GALLERY_PAGE_SIZE = 100;

/** The gallery's cells: the grid's defaults with room for a one-line caption. */
export const GALLERY_GRID: GridOptions = { ...DEFAULT_GRID, captionHeight: 30 };

/**
 * The first part of a query's first page: what the window can show (the grid is a little smaller).
 * A new search waits for this part alone; the rest of the page follows it (see PageCache).
 */
export function galleryFirstPart(): number {
  if (typeof window === 'undefined') return GALLERY_PAGE_SIZE;
  return Math.min(GALLERY_PAGE_SIZE, cellsOnScreen(window.innerWidth, window.innerHeight, GALLERY_GRID));
}

type GalleryQuery = Omit<GalleryInput, 'cursor' | 'limit'>;
type GalleryPage = MethodOutput<'library.gallery'>;

/** The first page asked for at start, before the UI is built; taken once by the provider it fits. */
let earlyFirstPage: { key: string; page: Promise<GalleryPage> } | null = null;

/**
 * Asks for the first gallery page of `query` now, so that the request runs while the UI is being
 * built instead of after it (the grid's first cells wait for nothing but this page).
 */
export function requestFirstPageEarly(call: Call, query: GalleryQuery, limit: number): Promise<unknown> {
  const page = call('library.gallery', { ...query, cursor: null, limit });
  earlyFirstPage = { key: JSON.stringify({ query, limit }), page };
  markOnce('first page asked');
  void page.then(() => markOnce('first page answered'));
  // Settles either way; a failure is the provider's to report when it takes the page.
  return page.catch(() => {});
}

function takeEarlyFirstPage(query: GalleryQuery, limit: number): Promise<GalleryPage> | null {
  const early = earlyFirstPage;
  earlyFirstPage = null;
  if (!early || early.key !== JSON.stringify({ query, limit })) return null;
  return early.page;
}

/** A place this close after a known cursor is read from there; a farther one is sought. */
const NEAR = 400;

/**
 * Keyset pages for the grid. The library pages by cursor; a jump (scrollbar drag, End) to a place
 * whose cursor is not known yet asks the library for the cursor there (library.seek: one walk over
 * the sort's index, keys only) instead of paging all the way, and every cursor seen is remembered so
 * that later jumps nearby start from it.
 */
export class GalleryProvider implements ItemsProvider<GalleryItem> {
  /** item offset → cursor that starts there */
  private readonly checkpoints = new Map<number, string | null>([[0, null]]);
  private readonly call: Call;
  private readonly query: Omit<GalleryInput, 'cursor' | 'limit'>;

  constructor(call: Call, query: Omit<GalleryInput, 'cursor' | 'limit'>) {
    this.call = call;
    this.query = query;
  }

  async loadPage({ cursor, offset, limit, signal }: PageRequest): Promise<ItemsPage<GalleryItem>> {
    // A query typed over, or a page scrolled past, before its turn came: never asked.
    if (signal.aborted) throw new DOMException('aborted', 'AbortError');
    const known = cursor ?? this.checkpoints.get(offset);
    if (known !== undefined) return this.fetch(offset, known, limit, signal);

    let at = 0;
    for (const checkpoint of this.checkpoints.keys())
      if (checkpoint <= offset && checkpoint > at) at = checkpoint;
    if (offset - at < NEAR) {
      const skip = offset - at;
      const page = await this.fetch(at, this.checkpoints.get(at) ?? null, skip + limit, signal);
      return { items: page.items.slice(skip), nextCursor: page.nextCursor };
    }
    const landing = await this.call('library.seek', { ...this.query, position: offset }, { signal });
    if (landing.atEnd) return { items: [], nextCursor: null };
    this.checkpoints.set(offset, landing.cursor);
    return this.fetch(offset, landing.cursor, limit, signal);
  }

  // Every request carries the page's signal: a query typed over or a page scrolled past aborts its
  // requests in flight (over HTTP the server sees them closed) rather than wait for their answers.
  private async fetch(
    offset: number,
    cursor: string | null,
    limit: number,
    signal: AbortSignal,
  ): Promise<ItemsPage<GalleryItem>> {
    const early = offset === 0 && cursor === null ? takeEarlyFirstPage(this.query, limit) : null;
    const page = await (early ?? this.call('library.gallery', { ...this.query, cursor, limit }, { signal }));
    if (page.nextCursor !== null) {
      const end = offset + page.items.length;
      if (!this.checkpoints.has(end)) this.checkpoints.set(end, page.nextCursor);
    }
    return page;
  }
}

/**
 * `toTile` remembered per item: the grid asks again whenever anything about a cell changes, and the
 * same object back tells the tile nothing changed.
 */
export function tileMemo(mediaUrl: MediaUrl): (item: GalleryItem) => TileData {
  const tiles = new WeakMap<GalleryItem, TileData>();
  return (item) => {
    let tile = tiles.get(item);
    if (!tile) tiles.set(item, (tile = toTile(item, mediaUrl)));
    return tile;
  };
}

export function toTile(item: GalleryItem, mediaUrl: MediaUrl): TileData {
  const snippet = item.snippet
    ? item.snippet.map((part) => (part.match ? `\u0002${part.text}\u0003` : part.text)).join('')
    : null;
  const isVideo = item.contentType === 'video';
  return {
    id: item.workId,
    title: item.prompt ?? '',
    contentType: item.contentType ?? 'unknown',
    coverUrl: item.coverPath
      ? mediaUrl(item.coverPath)
      : !isVideo && item.mediaPath
        ? mediaUrl(item.mediaPath)
        : null,
    previewUrl: isVideo && item.mediaPath ? mediaUrl(item.mediaPath) : null,
    durationMs: item.durationMs,
    width: item.width,
    height: item.height,
    account: item.account,
    favorite: item.favorite,
    watermark: item.watermarked,
    snippet,
  };
}
