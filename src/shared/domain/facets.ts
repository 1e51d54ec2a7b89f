// The dimensions the library counts works by (its facet counts, `work_facets.dimension`): the one
// list. The index writes a row per dimension for every new work (core/library/new-works.ts), the
// Facets answer lists them, the gallery filters on them; each is derived from here. The library's
// migrations keep frozen copies in their triggers (a shipped migration never changes): a test checks
// that they agree with this list, so a new dimension comes with a migration.

export const FACET_DIMENSIONS = [
  'account',
  'phase',
  'content_type',
  'task_type',
  'model_version',
  'favorite',
] as const;

export type FacetDimension = (typeof FACET_DIMENSIONS)[number];

/** The dimensions answered value by value; `favorite` is answered as the `total` and `favorites` counts. */
export type ListedFacetDimension = Exclude<FacetDimension, 'favorite'>;

/** Each listed dimension's list in the Facets answer and the gallery query's field that filters on it. */
export const LISTED_FACETS = {
  account: { list: 'accounts', filter: 'account' },
  phase: { list: 'phases', filter: 'phase' },
  content_type: { list: 'contentTypes', filter: 'contentType' },
  task_type: { list: 'taskTypes', filter: 'taskType' },
  model_version: { list: 'modelVersions', filter: 'modelVersion' },
} as const satisfies Record<ListedFacetDimension, { list: string; filter: string }>;

/** The Facets answer's list names (`accounts`, `phases`, …). */
export type FacetListName = (typeof LISTED_FACETS)[ListedFacetDimension]['list'];
