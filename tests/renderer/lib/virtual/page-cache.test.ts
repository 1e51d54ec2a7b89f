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
});
