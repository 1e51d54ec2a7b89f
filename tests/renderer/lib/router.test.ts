import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROUTE,
  EMPTY_FILTERS,
  formatRoute,
  parseRoute,
  sameFilters,
  activeFilterCount,
} from '../../../src/renderer/src/lib/router';

describe('router', () => {
  it('reads an empty hash as the gallery with no filters', () => {
    expect(parseRoute('')).toEqual(DEFAULT_ROUTE);
    expect(parseRoute('#/')).toEqual(DEFAULT_ROUTE);
  });

  it('round-trips every field, keeping ids as exact strings', () => {
    const route = {
      view: 'gallery' as const,
      work: '98765432109876543210',
      filters: {
        q: 'a cat & a "dog"',
        account: 'a@example.com',
        contentType: 'video',
        taskType: 'm2v_txt2video_hq',
        phase: 'succeeded',
        model: '2.1',
        from: '2025-01-01',
        to: '2025-02-01',
        favorites: true,
        sort: 'oldest' as const,
      },
    };
    const hash = formatRoute(route);
    expect(hash.startsWith('#/gallery?')).toBe(true);
    expect(parseRoute(hash)).toEqual(route);
  });

  it('keeps default values out of the URL', () => {
    expect(formatRoute(DEFAULT_ROUTE)).toBe('#/gallery');
    expect(formatRoute({ view: 'tasks', filters: EMPTY_FILTERS, work: null })).toBe('#/tasks');
  });

  it('falls back to defaults for unknown views, sorts, dates and ids', () => {
    const route = parseRoute('#/nowhere?sort=sideways&from=yesterday&work=12a&fav=yes');
    expect(route.view).toBe('gallery');
    expect(route.filters.sort).toBe('newest');
    expect(route.filters.from).toBeNull();
    expect(route.work).toBeNull();
    expect(route.filters.favorites).toBe(false);
  });

  it('reads empty values as no filter and keeps a ? inside the search text', () => {
    expect(parseRoute('#/gallery?type=&model=').filters.contentType).toBeNull();
    expect(
      parseRoute(formatRoute({ ...DEFAULT_ROUTE, filters: { ...EMPTY_FILTERS, q: 'why? because' } })).filters
        .q,
    ).toBe('why? because');
  });

  it('compares filters by meaning and counts the active ones', () => {
    const a = { ...EMPTY_FILTERS, contentType: 'video', favorites: true };
    expect(sameFilters(a, { ...a })).toBe(true);
    expect(sameFilters(a, EMPTY_FILTERS)).toBe(false);
    expect(activeFilterCount(a)).toBe(2);
  });
});
