// The gallery page: filters, sorts and keyset pagination. Page N costs what page 1 costs: the
// cursor is the last row's sort key and every sort has an index that serves it (works.id is
// time-ordered, so newest/oldest walk the rowid, or the FTS index's rowid for text searches;
// "longest" walks works_by_duration, or under a filter that filter's (value, duration) index).
// Pages are fetched in two steps — keys first, then the few rows shown — so that a sort that must
// order a whole match set (longest + text, see match-sets.ts) never computes paths or snippets for
// rows it drops.
import type { Database, Statement } from 'better-sqlite3';
import type {
  FileCopy,
  GalleryItem,
  GalleryPage,
  GalleryQuery,
  GallerySeek,
  GallerySort,
  TaskPhase,
} from '../../shared/domain/library';
import { decodeCursor, encodeCursor } from './cursor';
import { buildFtsQuery, snippetParts } from './fts-query';
import { GALLERY_DEFAULTS } from './gallery-options';
import type { GalleryOptions } from './gallery-options';
import { IN_MATCH_SET, MatchSets, sortedTable } from './match-sets';
import type { MatchSet } from './match-sets';
import { ScratchTextIndex, snippetSql } from './scratch-text-index';
import type { SearchChangeFeed } from './search-changes';
import { pushCreatedRange, sqlInteger } from './work-key';

export const DEFAULT_PAGE_SIZE = 60;

type FilterQuery = Omit<GalleryQuery, 'cursor' | 'limit'>;

interface KeyStep {
  sort: GallerySort;
  match: string | null;
  ftsDriven: boolean;
  /** The key columns: `id, duration_ms`. */
  keys: string;
  from: string;
  where: string[];
  params: unknown[];
  order: string;
  /** The same order walked from its end. */
  reversedOrder: string;
  durationColumn: string;
  idColumn: string;
  /**
   * After a "longest" cursor, two ranges (see keyQuery): the rest of the cursor's duration, then the
   * works shorter than `shorterThan` (its duration, or less under a filter's bound); null otherwise.
   */
  longestAfter: { duration: bigint; id: bigint; shorterThan: bigint } | null;
  /** Text + longest for a dense match: the step walks works without the text, `probe` matches them. */
  probe: { query: FilterQuery; match: string; density: number } | null;
}

/** Where a key step reads its keys: the text index, a kept match set, or the works themselves. */
interface KeySource {
  ftsDriven: boolean;
  matches: MatchSet | null;
  idColumn: string;
  durationColumn: string;
}

/** A key step's walk in `order`, with `extra` conditions after its own (no LIMIT). */
function walkSql(step: KeyStep, columns: string, extra: readonly string[], order: string): string {
  const where = [...step.where, ...extra];
  return `SELECT ${columns} FROM ${step.from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${order}`;
}

/** The cursor of the page that follows `row` in `sort`: its sort key. */
const cursorAfter = (sort: GallerySort, row: KeyRow) =>
  encodeCursor(sort, sort === 'longest' ? [row.duration_ms, row.id] : [row.id]);

/**
 * A key step as SQL with its parameters: one walk of the sort's index, or after a "longest" cursor
 * two: the rest of the cursor's duration, then the shorter ones. SQLite compares a row value
 * `(duration, id) < (?, ?)` with the duration column of the index only (the id is the rowid), so its
 * walk would start at the top of the cursor's duration and pass every work of it above the cursor
 * (all the images, at 0 ms, deep in the sort).
 */
function keyQuery(step: KeyStep, columns: string, limit: number): [string, unknown[]] {
  const walk = (extra: string[], order: string) => `${walkSql(step, columns, extra, order)} LIMIT ?`;
  const after = step.longestAfter;
  if (!after) return [walk([], step.order), [...step.params, limit]];
  const { duration, id, shorterThan } = after;
  const sameDuration = walk([`${step.durationColumn} = ?`, `${step.idColumn} < ?`], `${step.idColumn} DESC`);
  // One upper bound only: with two on the column, SQLite may start the walk at the looser one.
  const shorter = walk([`${step.durationColumn} < ?`], step.order);
  return [
    `SELECT * FROM (${sameDuration}) UNION ALL SELECT * FROM (${shorter})
      ORDER BY duration_ms DESC, id DESC LIMIT ?`,
    [...step.params, duration, id, limit, ...step.params, shorterThan, limit, limit],
  ];
}

interface KeyRow {
  id: number;
  duration_ms: number;
  /** Present when the key step could mark it on the spot (text search walked in rowid order). */
  snippet?: string | null;
}

/** The (value, duration) index of a filter dimension, for "longest" (migration 11). */
const LONGEST_INDEXES = new Map([
  ['account', 'works_longest_by_account'],
  ['favorite', 'works_longest_favorites'],
]);

const SNIPPET_SQL = snippetSql('work_search');

interface ItemRow {
  id: number;
  work_id: string;
  task_id: string;
  email: string;
  content_type: string | null;
  task_type: string | null;
  model_version: string | null;
  phase: TaskPhase;
  width: number | null;
  height: number | null;
  duration_ms: number;
  created_at: number;
  favorite: number;
  prompt: string | null;
  media_path: string | null;
  media_copy: FileCopy | null;
  cover_path: string | null;
}

/**
 * One work as the gallery shows it. Its archived files are read in one pass over files_by_work (the
 * work's media and cover rows sit side by side there): the cover's path, and the id of its media
 * file, whose path and copy (watermarked or not) then come from that one row.
 */
const itemSql = (where: string) => `SELECT i.*, m.rel_path AS media_path, m.copy AS media_copy FROM (
    SELECT w.id, w.work_id, t.task_id, a.email, w.content_type, w.task_type, w.model_version,
      w.phase, w.width, w.height, w.duration_ms, w.created_at, w.favorite, t.prompt,
      min(CASE WHEN f.kind IN ('video','image') THEN f.id END) AS media_id,
      max(CASE WHEN f.kind = 'cover' THEN f.rel_path END) AS cover_path
    FROM works w JOIN tasks t ON t.id = w.task_id JOIN accounts a ON a.id = w.account_id
      LEFT JOIN files f ON f.work_id = w.id AND f.state = 'done'
    WHERE ${where} GROUP BY w.id) i
  LEFT JOIN files m ON m.id = i.media_id`;

export function toGalleryItem(row: ItemRow): GalleryItem {
  return {
    workId: row.work_id,
    taskId: row.task_id,
    account: row.email,
    contentType: row.content_type,
    taskType: row.task_type,
    modelVersion: row.model_version,
    phase: row.phase,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms > 0 ? row.duration_ms : null,
    createdAt: row.created_at,
    favorite: row.favorite === 1,
    prompt: row.prompt,
    snippet: null,
    mediaPath: row.media_path,
    coverPath: row.cover_path,
    watermarked: row.media_path === null || row.media_copy === null ? null : row.media_copy === 'watermarked',
  };
}

export class GalleryQueries {
  private readonly itemById: Statement<[number], ItemRow>;
  private readonly itemByWorkId: Statement<[string], ItemRow>;
  private readonly accountByEmail: Statement<[string], { id: number }>;
  private readonly keyStatements = new Map<string, Statement<unknown[], KeyRow>>();
  private readonly workCount: Statement<[], number | null>;
  private readonly facet: Statement<[string, string], { count: number; longest_ms: number }>;
  private readonly options: Readonly<GalleryOptions>;
  private readonly scratch: ScratchTextIndex;
  private readonly matchSets: MatchSets;

  /** `feed`: what the library's writes did to the text index (shared by its connections). */
  constructor(
    private readonly db: Database,
    feed: SearchChangeFeed,
    options: Partial<GalleryOptions> = {},
  ) {
    this.options = { ...GALLERY_DEFAULTS, ...options };
    this.itemById = db.prepare(itemSql('w.id = ?'));
    this.itemByWorkId = db.prepare(itemSql('w.work_id = ?'));
    this.accountByEmail = db.prepare('SELECT id FROM accounts WHERE email = ?');
    this.workCount = db
      .prepare("SELECT sum(count) FROM work_facets WHERE dimension = 'favorite'")
      .pluck() as Statement<[], number | null>;
    this.facet = db.prepare('SELECT count, longest_ms FROM work_facets WHERE dimension = ? AND value = ?');
    this.scratch = new ScratchTextIndex(db);
    this.matchSets = new MatchSets(db, feed, this.scratch, () => this.workCount.get() ?? 0, this.options);
  }

  /** Match sets built, patched after a recorded change, and forgotten after another (diagnostics). */
  get matchSetCounts(): Readonly<{ built: number; patched: number; forgotten: number }> {
    return this.matchSets.counts;
  }

  /** The FTS5 expression a query's text becomes, prefixes expanded as pages expand them (null: no words). */
  textMatch(text: string): string | null {
    return buildFtsQuery(text, this.matchSets.expandPrefix);
  }

  item(workId: string): GalleryItem | null {
    const row = this.itemByWorkId.get(workId);
    return row ? toGalleryItem(row) : null;
  }

  page(query: GalleryQuery): GalleryPage {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const step = this.keyStep(query, query.cursor ?? null, true);
    if (step === null) return { items: [], nextCursor: null };
    const { sort, match, ftsDriven } = step;
    // Walking the text index in rowid order, the snippet is marked from the row the cursor is on:
    // a later lookup by rowid would seek every term again in every index segment, per row shown.
    const snippetInKeys = (ftsDriven && sort !== 'longest') || step.probe !== null;
    let keys: KeyRow[];
    if (step.probe) keys = this.probedKeys(step, step.probe, limit + 1);
    else {
      const [sql, params] = keyQuery(
        step,
        `${step.keys}${snippetInKeys ? `, ${SNIPPET_SQL} AS snippet` : ''}`,
        limit + 1,
      );
      keys = this.keyStatement(sql).all(...params);
    }
    const more = keys.length > limit;
    const shown = more ? keys.slice(0, limit) : keys;
    const items = shown.map((key) => {
      const row = this.itemById.get(key.id);
      if (!row) throw new Error(`work ${key.id} vanished while reading a page`);
      return toGalleryItem(row);
    });
    const snippets = snippetInKeys ? null : match && items.length > 0 ? this.matchAmong(match, shown) : null;
    shown.forEach((key, index) => {
      const item = items[index];
      const snippet = snippets ? snippets.get(key.id) : key.snippet;
      if (item && snippet) item.snippet = snippetParts(snippet);
    });
    const last = shown.at(-1);
    return { items, nextCursor: more && last ? cursorAfter(sort, last) : null };
  }

  /**
   * The cursor that starts a gallery page at `position` (0-based) of the query's order: for a jump
   * (scrollbar drag, End) to a place no page has reached yet. It skips `position` keys in the index
   * that serves the sort — one index walk, keys only, no rows read — instead of the client paging
   * its way there; the pages from that cursor on are keyset pages as usual. In the far half of a
   * query the facet counts can count, it skips from the other end (End in a million works: a few
   * keys, not a million).
   */
  seek(query: FilterQuery, position: number): GallerySeek {
    if (position <= 0) return { cursor: null, atEnd: false };
    const step = this.keyStep(query, null);
    if (step === null) return { cursor: null, atEnd: true };
    const { sort, params } = step;
    // Keys only, skipping `offset` of them in `orderBy` (a step without a cursor: one walk).
    const skipIn = (walk: KeyStep, orderBy: string) =>
      this.keyStatement(`${walkSql(walk, walk.keys, [], orderBy)} LIMIT ? OFFSET ?`);
    // One read transaction: the counts and the keys skipped from the end must agree.
    const fromEnd = this.db.transaction((): GallerySeek | null => {
      const total = this.countOf(query);
      if (total === null || position <= total / 2 || position > total) return null;
      // The key just before `position` is the (total - position)th from the end. Whether anything
      // follows it is asked of the works themselves, not of the counts.
      const before = skipIn(step, step.reversedOrder).get(...params, 1, total - position);
      if (!before) return null;
      const cursor = cursorAfter(sort, before);
      const after = this.keyStep(query, cursor);
      if (!after) return null;
      const [sql, afterParams] = keyQuery(after, after.keys, 1);
      return { cursor, atEnd: !this.keyStatement(sql).get(...afterParams) };
    })();
    if (fromEnd) return fromEnd;
    // The key just before `position` makes the cursor; a second row says something is there.
    const keys = skipIn(step, step.order).all(...params, 2, position - 1);
    const before = keys[0];
    if (!before) return { cursor: null, atEnd: true };
    return { cursor: cursorAfter(sort, before), atEnd: keys.length < 2 };
  }

  /**
   * How "longest" under filters is read. Their works are no longer than the shortest of the filters'
   * longest durations (facet rows keep each value's longest), so the walk starts there: a filter
   * whose works are all short (images: 0 ms) does not pass every longer work first. It walks the
   * (value, duration) index of the filter with the fewest works, when one has such an index (the
   * other filters are checked on the way), else works_by_duration.
   */
  private longestPlan(facets: ReadonlyArray<[string, string]>): { longest: bigint; index: string } {
    let longest = Infinity;
    let index = 'works_by_duration';
    let fewest = Infinity;
    for (const [dimension, value] of facets) {
      const row = this.facet.get(dimension, value);
      const count = row?.count ?? 0;
      longest = Math.min(longest, row?.longest_ms ?? 0);
      const own = LONGEST_INDEXES.get(dimension);
      if (own && count < fewest) [index, fewest] = [own, count];
    }
    return { longest: sqlInteger(longest), index };
  }

  /**
   * The number of works a query shows, when the facet counts hold it: no text, no dates, at most one
   * filter (null otherwise: counting would walk what the seek means to skip).
   */
  private countOf(query: FilterQuery): number | null {
    if (query.text || query.createdFrom !== undefined || query.createdTo !== undefined) return null;
    const filters = this.filterFacets(query);
    if (filters === null) return 0;
    const [only, ...more] = filters;
    if (!only) return this.workCount.get() ?? 0;
    return more.length > 0 ? null : (this.facet.get(...only)?.count ?? 0);
  }

  /** A query's filters as facet rows (dimension, value), or null when its account is unknown. */
  private filterFacets(query: FilterQuery): Array<[string, string]> | null {
    const facets: Array<[string, string]> = [];
    if (query.account !== undefined) {
      const account = this.accountByEmail.get(query.account);
      if (!account) return null;
      facets.push(['account', String(account.id)]);
    }
    for (const [dimension, value] of [
      ['phase', query.phase],
      ['content_type', query.contentType],
      ['task_type', query.taskType],
      ['model_version', query.modelVersion],
    ] as const) {
      if (value !== undefined) facets.push([dimension, value]);
    }
    if (query.favoritesOnly) facets.push(['favorite', '1']);
    return facets;
  }

  /**
   * The key step's FROM, WHERE and ORDER BY for a query (null: it can match nothing). `paging`: for
   * pages, which may probe a dense match (see GalleryOptions.probeMin), not for a seek's skip.
   */
  private keyStep(
    query: Omit<GalleryQuery, 'limit'>,
    cursorText: string | null,
    paging = false,
  ): KeyStep | null {
    const sort: GallerySort = query.sort ?? 'newest';
    const match = query.text ? this.textMatch(query.text) : null;
    // Text + longest reads the query's kept matches, or probes a dense one; other text queries walk
    // the text index.
    const density =
      match !== null && sort === 'longest' && paging ? this.matchSets.probeDensity(match) : null;
    if (match !== null && density !== null) {
      const { text: _text, cursor: _cursor, ...rest } = query;
      const step = this.keyStep(rest, cursorText);
      return step && { ...step, match, probe: { query: rest, match, density } };
    }
    const facets = this.filterFacets(query);
    if (facets === null) return null;
    const source = this.keySource(match, sort);
    const { idColumn, durationColumn, matches } = source;
    const cursor = cursorText ? decodeCursor(cursorText, sort, sort === 'longest' ? 2 : 1) : null;
    const where: string[] = [];
    const params: unknown[] = [];
    if (matches?.kind === 'set') where.push(`${IN_MATCH_SET}(${matches.slot}, w.id)`);
    else if (source.ftsDriven) {
      where.push('work_search MATCH ?');
      params.push(match);
    }
    pushFilters(facets, where, params);
    const plan = sort === 'longest' && facets.length > 0 ? this.longestPlan(facets) : null;
    pushCreatedRange(query, idColumn, where, params);
    // As INTEGERs (see sqlInteger): FTS5 ignores a rowid bound given as a REAL.
    const [first = 0n, second = 0n] = (cursor ?? []).map(sqlInteger);
    let longestAfter: KeyStep['longestAfter'] = null;
    if (cursor && sort === 'longest') {
      const belowBound = plan ? plan.longest + 1n : first;
      longestAfter = { duration: first, id: second, shorterThan: belowBound < first ? belowBound : first };
    } else if (cursor) {
      where.push(`${idColumn} ${sort === 'newest' ? '<' : '>'} ?`);
      params.push(first);
    } else if (plan) {
      where.push(`${durationColumn} <= ?`);
      params.push(plan.longest);
    }
    const order =
      sort === 'longest'
        ? `${durationColumn} DESC, ${idColumn} DESC`
        : `${idColumn} ${sort === 'newest' ? 'DESC' : 'ASC'}`;
    const dated = query.createdFrom !== undefined || query.createdTo !== undefined;
    return {
      sort,
      match,
      ftsDriven: source.ftsDriven,
      keys: 'w.id, w.duration_ms',
      from: keyFrom(source, plan && !dated ? plan.index : null),
      where,
      params,
      order,
      reversedOrder: order.replace(/\b(DESC|ASC)\b/g, (way) => (way === 'DESC' ? 'ASC' : 'DESC')),
      durationColumn,
      idColumn,
      longestAfter,
      probe: null,
    };
  }

  /** Where a query's keys come from: its kept matches for text + longest, the text index for other text. */
  private keySource(match: string | null, sort: GallerySort): KeySource {
    const matches = match !== null && sort === 'longest' ? this.matchSets.get(match) : null;
    const sorted = matches?.kind === 'sorted';
    const ftsDriven = match !== null && matches === null;
    return {
      ftsDriven,
      matches,
      idColumn: ftsDriven ? 'work_search.rowid' : sorted ? 's.id' : 'w.id',
      durationColumn: sorted ? 's.duration_ms' : 'w.duration_ms',
    };
  }

  /**
   * The first `want` keys of a probing step (see GalleryOptions.probeMin): the works it walks, a
   * chunk at a time, matched in the scratch text index, each with its snippet.
   */
  private probedKeys(step: KeyStep, probe: NonNullable<KeyStep['probe']>, want: number): KeyRow[] {
    const { query, match, density } = probe;
    // A little over what the density says, so that one chunk usually fills the page.
    const chunk = Math.min(
      this.options.probeChunkMax,
      Math.max(64, Math.ceil((1.25 * want) / Math.max(density, 0.01))),
    );
    const found: KeyRow[] = [];
    let walk: KeyStep | null = step;
    while (walk && found.length < want) {
      const [sql, params] = keyQuery(walk, walk.keys, chunk);
      const candidates = this.keyStatement(sql).all(...params);
      const snippets = this.matchAmong(match, candidates);
      for (const candidate of candidates) {
        const snippet = snippets.get(candidate.id);
        if (snippet === undefined) continue;
        found.push({ ...candidate, snippet });
        if (found.length === want) break;
      }
      const last = candidates.at(-1);
      walk = candidates.length === chunk && last ? this.keyStep(query, cursorAfter('longest', last)) : null;
    }
    return found;
  }

  private keyStatement(sql: string): Statement<unknown[], KeyRow> {
    let statement = this.keyStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // A handful of shapes exist (filters × sorts); keep them prepared, but bounded.
      if (this.keyStatements.size > 200) this.keyStatements.clear();
      this.keyStatements.set(sql, statement);
    }
    return statement;
  }

  /** Which of `keys` match, each with its snippet: their text indexed in the scratch index. */
  private matchAmong(match: string, keys: readonly KeyRow[]): Map<number, string> {
    if (keys.length === 0) return new Map();
    const ids = JSON.stringify(keys.map((key) => key.id));
    return this.matchSets.ownWrites(() => this.scratch.with(ids, () => this.scratch.snippets(match)));
  }
}

/** A query's filters as conditions on the works. */
function pushFilters(facets: ReadonlyArray<[string, string]>, where: string[], params: unknown[]): void {
  for (const [dimension, value] of facets) {
    // Favorites as a literal: only then can a partial index (WHERE favorite = 1) serve them.
    if (dimension === 'favorite') where.push('w.favorite = 1');
    else if (dimension === 'account') {
      where.push('w.account_id = ?');
      params.push(Number(value));
    } else {
      where.push(`w.${dimension} = ?`);
      params.push(value);
    }
  }
}

/** The FROM of a key step; `longestIndex`: the index a "longest" walk under filters takes. */
function keyFrom(source: KeySource, longestIndex: string | null): string {
  const { matches } = source;
  if (matches?.kind === 'sorted') return `${sortedTable(matches.slot)} s CROSS JOIN works w ON w.id = s.id`;
  if (matches) return `works w INDEXED BY ${longestIndex ?? 'works_by_duration'}`;
  if (source.ftsDriven) return 'work_search JOIN works w ON w.id = work_search.rowid';
  return longestIndex ? `works w INDEXED BY ${longestIndex}` : 'works w';
}
