// Which accounts the gallery shows, and how many works its query finds in each: the one source of
// the counts the gallery heading, the sidebar and "12 more in …" state, so that they agree with each
// other and with the grid. Counts are asked for once the query has rested (a search answers every
// keystroke with its grid first; counting every match can take longer than a page), and an answer
// for a query no longer shown is dropped.
import type { GalleryCounts } from '../../../shared/domain/library';
import type { Call } from './backend';
import { galleryQuery } from './gallery-source';
import type { GalleryFilters } from './router';

/** A query that counts from the facet table is asked at once; one that walks matches, after this rest. */
export const COUNTS_REST_MS = 300;

export type CountQuery = Omit<ReturnType<typeof galleryQuery>, 'account' | 'sort'>;

/** The counts query of a gallery's filters: everything but the account (the split) and the sort. */
export function countQuery(filters: GalleryFilters): CountQuery {
  const { account: _account, sort: _sort, ...rest } = galleryQuery(filters);
  return rest;
}

/** The account the gallery shows: an email, or 'all'. No choice means the active account. */
export function shownAccount(filters: GalleryFilters, activeEmail: string | null): string {
  return filters.account ?? activeEmail ?? 'all';
}

/** How many works the counts give for what is shown ('all' or an email). */
export function countIn(counts: GalleryCounts, shown: string): number {
  if (shown === 'all') return counts.accounts.reduce((sum, entry) => sum + entry.count, 0);
  return counts.accounts.find((entry) => entry.account === shown)?.count ?? 0;
}

/** Accounts other than the shown one where the query has hits, most first. */
export function elsewhere(counts: GalleryCounts, shown: string): GalleryCounts['accounts'] {
  return shown === 'all' ? [] : counts.accounts.filter((entry) => entry.account !== shown && entry.count > 0);
}

class GalleryScope {
  /** The counts of the query `key` (see countQuery); null until the first answer. */
  counts = $state<{ key: string; value: GalleryCounts } | null>(null);
  /** The query the counts should be for now. */
  wanted = $state('');
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;

  /** The counts for the current query, or null while they are being counted. */
  get current(): GalleryCounts | null {
    return this.counts && this.counts.key === this.wanted ? this.counts.value : null;
  }

  /** Follows the gallery's filters (and each library change, `version`): asks for the counts. */
  follow(call: Call, filters: GalleryFilters, version: number): void {
    const query = countQuery(filters);
    const key = JSON.stringify(query);
    void version;
    this.wanted = key;
    clearTimeout(this.timer);
    const walks = Object.keys(query).length > 0;
    const ask = () => {
      const ticket = ++this.asked;
      call('library.counts', query)
        .then((value) => {
          // A later question (another query, or the same after a change) answers instead.
          if (ticket === this.asked) this.counts = { key, value };
        })
        .catch(() => {
          // Counts are a statement beside the grid; the grid reports a failing library itself.
        });
    };
    if (walks) this.timer = setTimeout(ask, COUNTS_REST_MS);
    else ask();
  }
}

export const galleryScope = new GalleryScope();
