// Fetches the gallery in pages as they scroll into view and keeps only a bounded number of them,
// so memory stays flat however far one scrolls through a million works.
//
// Pages are fetched with the library's keyset cursor whenever the previous page's `nextCursor` is
// known (scrolling down); a page reached by a jump (scrollbar drag, End key) has no cursor yet and is
// asked for by offset, after which its own `nextCursor` makes the following pages cheap again.
// Cursors are tiny strings and are kept even after their page is evicted.

export interface PageRequest {
  /** keyset cursor for the page (the previous page's nextCursor), or null when unknown */
  cursor: string | null;
  /** index of the first item of the page; used when no cursor is known */
  offset: number;
  limit: number;
  signal: AbortSignal;
}

export interface ItemsPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ItemsProvider<T> {
  loadPage(request: PageRequest): Promise<ItemsPage<T>>;
}

export interface PageCacheOptions {
  pageSize?: number;
  /** pages kept in memory; the least recently wanted ones go first */
  maxPages?: number;
  /** requests running at once */
  concurrency?: number;
  /**
   * The first page is asked in two parts, this many items first (a screenful): the library answers
   * a small page several times faster, and the grid shows it while the rest of the page comes.
   */
  firstPartSize?: number;
  onChange?: () => void;
  onError?: (error: unknown) => void;
}

type PageState<T> =
  | { status: 'loading'; controller: AbortController }
  /** Its first part is here (shown), the rest on its way. */
  | { status: 'partial'; controller: AbortController; items: T[] }
  | { status: 'ready'; items: T[] };

export class PageCache<T> {
  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly concurrency: number;
  private readonly firstPartSize: number;
  private readonly provider: ItemsProvider<T>;
  private readonly onChange: () => void;
  private readonly onError: (error: unknown) => void;
  private readonly pages = new Map<number, PageState<T>>();
  /** page index → cursor that starts it (page 0 starts at null) */
  private readonly cursors = new Map<number, string | null>([[0, null]]);
  private readonly lastUsed = new Map<number, number>();
  private wanted: number[] = [];
  private running = 0;
  private tick = 0;
  private generation = 0;

  constructor(provider: ItemsProvider<T>, options: PageCacheOptions = {}) {
    this.provider = provider;
    this.pageSize = options.pageSize ?? 120;
    this.maxPages = Math.max(2, options.maxPages ?? 24);
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.firstPartSize = Math.max(1, Math.min(this.pageSize, options.firstPartSize ?? this.pageSize));
    this.onChange = options.onChange ?? (() => {});
    this.onError = options.onError ?? (() => {});
  }

  /** The item at `index`, or undefined while its page is not loaded. */
  get(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.status === 'loading' ? undefined : page?.items[index % this.pageSize];
  }

  isLoaded(index: number): boolean {
    return this.get(index) !== undefined;
  }

  /** Items that are loaded right now, with their indexes (for selection ranges, lookups). */
  *loaded(): Iterable<[number, T]> {
    for (const [page, state] of this.pages) {
      if (state.status === 'loading') continue;
      for (let i = 0; i < state.items.length; i++) yield [page * this.pageSize + i, state.items[i] as T];
    }
  }

  get pageCount(): number {
    return [...this.pages.values()].filter((p) => p.status === 'ready').length;
  }

  /**
   * Declares which items are on screen. Pages outside the range that are still queued are dropped,
   * so a fast scrollbar drag only fetches where it stops.
   */
  want(firstIndex: number, lastIndex: number): void {
    if (lastIndex < firstIndex) {
      this.wanted = [];
      return;
    }
    const firstPage = Math.floor(firstIndex / this.pageSize);
    const lastPage = Math.floor(lastIndex / this.pageSize);
    this.tick++;
    const wanted: number[] = [];
    for (let page = firstPage; page <= lastPage; page++) {
      this.lastUsed.set(page, this.tick);
      if (!this.pages.has(page)) wanted.push(page);
    }
    // Abort fetches for pages nobody wants any more.
    for (const [page, state] of this.pages) {
      if (state.status !== 'ready' && (page < firstPage || page > lastPage)) {
        state.controller.abort();
        this.pages.delete(page);
      }
    }
    this.wanted = wanted;
    this.pump();
  }

  /** Forget everything (a new query, or the library changed under it). */
  reset(): void {
    this.generation++;
    for (const state of this.pages.values()) if (state.status !== 'ready') state.controller.abort();
    this.pages.clear();
    this.cursors.clear();
    this.cursors.set(0, null);
    this.lastUsed.clear();
    this.wanted = [];
    this.running = 0;
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const next = this.nextWanted();
      if (next < 0) return;
      const [page] = this.wanted.splice(next, 1);
      if (page === undefined || this.pages.has(page)) continue;
      void this.fetch(page);
    }
  }

  /**
   * The wanted page to fetch next (its place in `wanted`, -1 for none now): one whose cursor is known
   * (a keyset read, the cheap kind), else one that does not follow a page being loaded or waiting.
   * The pages after a jump's first wait for it, whose answer brings their cursors, rather than each
   * being sought by offset: a seek walks the index up to there, one after another on the library's side.
   */
  private nextWanted(): number {
    const withCursor = this.wanted.findIndex((page) => this.cursors.has(page));
    if (withCursor >= 0) return withCursor;
    return this.wanted.findIndex((page) => {
      const before = this.pages.get(page - 1)?.status;
      return before !== 'loading' && before !== 'partial' && !this.wanted.includes(page - 1);
    });
  }

  private async fetch(page: number): Promise<void> {
    const controller = new AbortController();
    const generation = this.generation;
    const stale = () => generation !== this.generation || controller.signal.aborted;
    this.pages.set(page, { status: 'loading', controller });
    this.running++;
    try {
      let items: T[] = [];
      let cursor = this.cursors.get(page) ?? null;
      let limit = page === 0 ? this.firstPartSize : this.pageSize;
      for (;;) {
        const result = await this.provider.loadPage({
          cursor,
          offset: page * this.pageSize + items.length,
          limit,
          signal: controller.signal,
        });
        if (stale()) return;
        items = items.length === 0 ? result.items : items.concat(result.items);
        const more = result.nextCursor !== null && result.items.length > 0 && items.length < this.pageSize;
        if (!more) {
          this.pages.set(page, { status: 'ready', items });
          if (result.nextCursor !== null) this.cursors.set(page + 1, result.nextCursor);
          this.evict();
          this.onChange();
          return;
        }
        // The first part is shown now; the rest of the page follows its cursor.
        this.pages.set(page, { status: 'partial', controller, items });
        this.onChange();
        cursor = result.nextCursor;
        limit = this.pageSize - items.length;
      }
    } catch (error) {
      if (stale()) return;
      this.pages.delete(page);
      this.onError(error);
    } finally {
      if (generation === this.generation) {
        this.running--;
        this.pump();
      }
    }
  }

  private evict(): void {
    const ready = [...this.pages].filter(([, state]) => state.status === 'ready').map(([page]) => page);
    if (ready.length <= this.maxPages) return;
    ready.sort((a, b) => (this.lastUsed.get(a) ?? 0) - (this.lastUsed.get(b) ?? 0));
    for (const page of ready.slice(0, ready.length - this.maxPages)) {
      this.pages.delete(page);
      this.lastUsed.delete(page);
    }
  }
}
