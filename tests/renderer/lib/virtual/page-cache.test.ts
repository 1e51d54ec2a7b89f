import { describe, expect, it } from 'vitest';
import {
  PageCache,
  type ItemsProvider,
  type PageRequest,
} from '../../../../src/renderer/src/lib/virtual/page-cache';

/** A keyset-paged list of `total` numbered items that records how it was asked. */
function numbered(total: number) {
  const requests: { cursor: string | null; offset: number }[] = [];
  const provider: ItemsProvider<string> = {
    async loadPage({ cursor, offset, limit }: PageRequest) {
      requests.push({ cursor, offset });
      const start = cursor === null ? offset : Number(cursor.slice('after:'.length)) + 1;
      const end = Math.min(total, start + limit);
      const items = Array.from({ length: end - start }, (_, i) => `item-${start + i}`);
      return { items, nextCursor: end < total ? `after:${end - 1}` : null };
    },
  };
  return { provider, requests };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PageCache', () => {
  it('walks forward with keyset cursors', async () => {
    const { provider, requests } = numbered(1000);
    const cache = new PageCache(provider, { pageSize: 100 });
    cache.want(0, 50);
    await settle();
    cache.want(90, 150);
    await settle();
    cache.want(190, 250);
    await settle();
    expect(cache.get(0)).toBe('item-0');
    expect(cache.get(250)).toBe('item-250');
    expect(requests).toEqual([
      { cursor: null, offset: 0 },
      { cursor: 'after:99', offset: 100 },
      { cursor: 'after:199', offset: 200 },
    ]);
  });

  it('jumps by offset, then continues by cursor', async () => {
    const { provider, requests } = numbered(1_000_000);
    const cache = new PageCache(provider, { pageSize: 100 });
    cache.want(500_000, 500_050);
    await settle();
    cache.want(500_050, 500_150);
    await settle();
    expect(cache.get(500_120)).toBe('item-500120');
    expect(requests).toEqual([
      { cursor: null, offset: 500_000 },
      { cursor: 'after:500099', offset: 500_100 },
    ]);
  });

  it('fetches the pages after a jump by the cursor of the first, not by offset each', async () => {
    const { provider, requests } = numbered(1_000_000);
    const cache = new PageCache(provider, { pageSize: 100, concurrency: 3 });
    cache.want(500_000, 500_250);
    for (let i = 0; i < 4; i += 1) await settle();
    expect(cache.get(500_249)).toBe('item-500249');
    expect(requests).toEqual([
      { cursor: null, offset: 500_000 },
      { cursor: 'after:500099', offset: 500_100 },
      { cursor: 'after:500199', offset: 500_200 },
    ]);
  });

  it('keeps memory bounded by evicting the least recently wanted pages', async () => {
    const { provider } = numbered(100_000);
    const cache = new PageCache(provider, { pageSize: 100, maxPages: 3 });
    for (let page = 0; page < 10; page++) {
      cache.want(page * 100, page * 100 + 10);
      await settle();
    }
    expect(cache.pageCount).toBe(3);
    expect(cache.get(950)).toBe('item-950');
    expect(cache.get(50)).toBeUndefined();
  });

  it('drops queued pages that scrolled away before they were fetched', async () => {
    const { provider, requests } = numbered(1_000_000);
    const cache = new PageCache(provider, { pageSize: 100, concurrency: 1 });
    cache.want(0, 1000); // eleven pages wanted, one runs
    cache.want(900_000, 900_010); // a jump: only this one is still wanted
    await settle();
    await settle();
    expect(requests.map((r) => r.offset)).toEqual([0, 900_000]);
    expect(cache.get(900_005)).toBe('item-900005');
  });

  it('reports errors and retries the page when it is wanted again', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const cache = new PageCache<string>(
      {
        async loadPage() {
          if (fail) throw new Error('offline');
          return { items: ['a'], nextCursor: null };
        },
      },
      { onError: (e) => errors.push(e) },
    );
    cache.want(0, 0);
    await settle();
    expect(errors).toHaveLength(1);
    fail = false;
    cache.want(0, 0);
    await settle();
    expect(cache.get(0)).toBe('a');
  });

  it('forgets everything on reset, ignoring answers from before it', async () => {
    let release: (() => void) | undefined;
    const cache = new PageCache<string>({
      loadPage: () =>
        new Promise((resolve) => {
          release = () => resolve({ items: ['old'], nextCursor: null });
        }),
    });
    cache.want(0, 0);
    cache.reset();
    release?.();
    await settle();
    expect(cache.get(0)).toBeUndefined();
  });

  it('asks the first page in two parts: the screenful first, shown, then the rest by its cursor', async () => {
    const { provider, requests } = numbered(1000);
    let changes = 0;
    const limits: number[] = [];
    const recording: ItemsProvider<string> = {
      loadPage(request) {
        limits.push(request.limit);
        return provider.loadPage(request);
      },
    };
    const split = new PageCache(recording, { pageSize: 100, firstPartSize: 24, onChange: () => changes++ });
    split.want(0, 99);
    await settle();
    expect(limits).toEqual([24, 76]);
    expect(requests).toEqual([
      { cursor: null, offset: 0 },
      { cursor: 'after:23', offset: 24 },
    ]);
    expect(changes).toBe(2);
    expect(split.get(99)).toBe('item-99');
    // The next page follows the whole page's cursor, in one request.
    split.want(100, 150);
    await settle();
    expect(limits).toEqual([24, 76, 100]);
    expect(split.get(150)).toBe('item-150');
  });

  it('shows the first part while the rest is on its way, and drops the rest on reset', async () => {
    const answers: ((page: { items: string[]; nextCursor: string | null }) => void)[] = [];
    const signals: AbortSignal[] = [];
    const cache = new PageCache<string>(
      {
        loadPage: ({ signal }) =>
          new Promise((resolve) => {
            signals.push(signal);
            answers.push(resolve);
          }),
      },
      { pageSize: 4, firstPartSize: 2 },
    );
    cache.want(0, 3);
    answers[0]?.({ items: ['a', 'b'], nextCursor: 'after:b' });
    await settle();
    expect([cache.get(0), cache.get(1), cache.get(2)]).toEqual(['a', 'b', undefined]);
    expect(answers).toHaveLength(2);
    cache.reset();
    expect(signals[1]?.aborted).toBe(true);
    answers[1]?.({ items: ['c', 'd'], nextCursor: null });
    await settle();
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(2)).toBeUndefined();
  });

  it('aborts the requests of a reset cache and never shows their answers', async () => {
    const signals: AbortSignal[] = [];
    let release: (() => void) | undefined;
    let changes = 0;
    const cache = new PageCache<string>(
      {
        loadPage: ({ signal }) =>
          new Promise((resolve) => {
            signals.push(signal);
            release = () => resolve({ items: ['stale'], nextCursor: null });
          }),
      },
      { onChange: () => changes++ },
    );
    cache.want(0, 0);
    cache.reset();
    expect(signals[0]?.aborted).toBe(true);
    release?.();
    await settle();
    expect(cache.get(0)).toBeUndefined();
    expect(changes).toBe(0);
  });
});
