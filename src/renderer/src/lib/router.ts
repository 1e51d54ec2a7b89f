// The current view and its query, kept in the URL hash so back/forward and reload restore them.
// Pure functions (no DOM) so the mapping is tested without a browser; router.svelte.ts binds them
// to `location.hash`.

export const VIEWS = ['gallery', 'tasks', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

export const SORTS = ['newest', 'oldest', 'longest'] as const;
export type SortKey = (typeof SORTS)[number];

/** The gallery's filters, one value each, as the library's gallery query takes them. */
export interface GalleryFilters {
  q: string;
  /** an email, 'all', or null for the active account */
  account: string | null;
  contentType: string | null;
  taskType: string | null;
  phase: string | null;
  model: string | null;
  /** ISO dates (YYYY-MM-DD), inclusive */
  from: string | null;
  to: string | null;
  favorites: boolean;
  sort: SortKey;
}

export interface Route {
  view: ViewName;
  filters: GalleryFilters;
  /** the work open in the viewer (an exact id string), if any */
  work: string | null;
}

export const EMPTY_FILTERS: GalleryFilters = {
  q: '',
  account: null,
  contentType: null,
  taskType: null,
  phase: null,
  model: null,
  from: null,
  to: null,
  favorites: false,
  sort: 'newest',
};

export const DEFAULT_ROUTE: Route = { view: 'gallery', filters: EMPTY_FILTERS, work: null };

/** filter field → URL parameter */
const VALUE_KEYS = {
  account: 'account',
  contentType: 'type',
  taskType: 'task',
  phase: 'status',
  model: 'model',
} as const;
type ValueField = keyof typeof VALUE_KEYS;
const VALUE_FIELDS = Object.keys(VALUE_KEYS) as ValueField[];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const EXACT_ID = /^\d{1,40}$/;

function isView(value: string): value is ViewName {
  return (VIEWS as readonly string[]).includes(value);
}

function isSort(value: string): value is SortKey {
  return (SORTS as readonly string[]).includes(value);
}

/** Reads a hash like `#/gallery?q=cat&type=video&work=123`. Anything unknown falls back to defaults. */
export function parseRoute(hash: string): Route {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  const queryStart = body.indexOf('?');
  const pathPart = queryStart < 0 ? body : body.slice(0, queryStart);
  const queryPart = queryStart < 0 ? '' : body.slice(queryStart + 1);
  const name = pathPart.replace(/^\/+|\/+$/g, '');
  const view: ViewName = isView(name) ? name : 'gallery';
  const params = new URLSearchParams(queryPart);

  const filters: GalleryFilters = { ...EMPTY_FILTERS };
  filters.q = params.get('q') ?? '';
  for (const field of VALUE_FIELDS) {
    const value = params.get(VALUE_KEYS[field]);
    filters[field] = value ? value : null;
  }
  const from = params.get('from');
  const to = params.get('to');
  filters.from = from && ISO_DATE.test(from) ? from : null;
  filters.to = to && ISO_DATE.test(to) ? to : null;
  filters.favorites = params.get('fav') === '1';
  const sort = params.get('sort');
  filters.sort = sort && isSort(sort) ? sort : 'newest';

  const work = params.get('work');
  return { view, filters, work: work && EXACT_ID.test(work) ? work : null };
}

/** The inverse of parseRoute; default values are left out so URLs stay short. */
export function formatRoute(route: Route): string {
  const params = new URLSearchParams();
  const { filters } = route;
  if (filters.q) params.set('q', filters.q);
  for (const field of VALUE_FIELDS) {
    const value = filters[field];
    if (value) params.set(VALUE_KEYS[field], value);
  }
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.favorites) params.set('fav', '1');
  if (filters.sort !== 'newest') params.set('sort', filters.sort);
  if (route.work) params.set('work', route.work);
  const query = params.toString();
  return `#/${route.view}${query ? `?${query}` : ''}`;
}

/** True when two filter sets ask for the same gallery (used to avoid refetching on unrelated URL changes). */
export function sameFilters(a: GalleryFilters, b: GalleryFilters): boolean {
  return (
    formatRoute({ view: 'gallery', filters: a, work: null }) ===
    formatRoute({ view: 'gallery', filters: b, work: null })
  );
}

/** Filters other than the search text, the account and the sort. */
export function activeFilterCount(filters: GalleryFilters): number {
  return (
    [filters.contentType, filters.taskType, filters.phase, filters.model, filters.from, filters.to].filter(
      Boolean,
    ).length + (filters.favorites ? 1 : 0)
  );
}
