// The gallery page: filters, sorts and keyset pagination. Page N costs what page 1 costs: the
// cursor is the last row's sort key and every sort has an index that serves it (works.id is
// time-ordered, so newest/oldest walk the rowid, or the FTS index's rowid for text searches).
// Pages are fetched in two steps — keys first, then the few rows shown — so that a sort that must
// order a whole match set (longest + text) never computes paths or snippets for rows it drops.
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
import { LISTED_FACETS } from '../../shared/domain/facets';
import { decodeCursor, encodeCursor } from './cursor';
import { buildFtsQuery, SNIPPET_CLOSE, SNIPPET_OPEN, snippetParts } from './fts-query';
import { searchStateStatement } from './search-changes';
import type { SearchChangeFeed, SearchDelta } from './search-changes';
import { includes, isAscending, replaceMembers } from './sorted-ids';
import { pushCreatedRange, sqlInteger } from './work-key';

export const DEFAULT_PAGE_SIZE = 60;

/** A trailing prefix that starts more words than this stays a prefix term (correct, slower). */
export const MAX_PREFIX_WORDS = 50;

/**
 * Text + "longest" keeps the query's matches (see MatchSet). Up to this many (fewer in a small
 * library: works / 128, at least SORTED_MATCHES_MIN) are stored sorted by duration in a temp table;
 * with more, only their ids are kept, in memory, and the duration index is walked longest first,
 * checking each row against them: about limit / density rows, at most ~128 × limit per page.
 */
export const SORTED_MATCHES_MAX = 5000;
export const SORTED_MATCHES_MIN = 1000;

/**
 * A text + "longest" page for a dense match reads no match set: it walks the duration index in
 * chunks and matches each chunk's works in the small temp text index snippets use (~10 µs a work,
 * about 75 / density works a page: ~1 + 0.76 / density ms). Reading every match costs ~0.13 µs
 * each, once, then ~1 ms a page. So a match is probed when reading it would cost over ~4 ms (at
 * least PROBE_MIN matches) and a probed page would not (density at least PROBE_MIN_DENSITY): at a
 * million works a word in 30% of the prompts takes ~2 ms a page instead of ~40 ms for the first,
 * while one in 10% is read (~14 ms, once). Density is sampled from the newest PROBE_SAMPLE works; a
 * seek still reads the matches (probing would walk up to its position).
 */
export const PROBE_MIN = 20_000;
export const PROBE_MIN_DENSITY = 0.25;
export const PROBE_SAMPLE = 2048;
/** Works matched at once in the temp index while probing. */
const PROBE_CHUNK_MAX = 2000;

/** Match sets kept at once (a few recent searches). */
const MATCH_SET_SLOTS = 3;

/**
 * Works rechecked at most to patch the kept match sets after writes that changed the text index
 * (works / 100 within these bounds; ~5 µs a work for three sets, where a rebuild costs ~0.2 µs a
 * match); with more (a big import), the sets are rebuilt when next read instead.
 */
export const PATCH_MIN_WORKS = 500;
export const PATCH_MAX_WORKS = 5000;

/** Above every UTF-8 sequence, so `term < prefix + END` bounds the terms that start with `prefix`. */
const TERM_RANGE_END = '\u{10FFFF}';

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
  probe: { query: Omit<GalleryQuery, 'limit' | 'cursor'>; match: string; density: number } | null;
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
 * two: the rest of the cursor's duration, then the shorter ones. A row value `(duration, id) < (?, ?)`
 * is served by the index on duration alone, so its walk would start at the top of the cursor's
 * duration and pass every work of it above the cursor (all the images, at 0 ms, deep in the sort).
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

/**
 * A text query's matches, materialised once for "longest" and reused by its next pages and seeks:
 * FTS5 can only walk matches in rowid order, and probing it per row costs ~30 µs (a seek in every
 * segment), so every page would otherwise pay for the whole match set. `sorted`: (duration_ms, id)
 * of each match in a temp table, pages are range scans; `set`: the ids only, in a sorted array that
 * SQL reads through a function (no works lookup per match, and read from the text index as one JSON
 * array: about half the cost of inserting each id into a temp table), pages walk works_by_duration
 * and check each row.
 *
 * Kept across writes (see sync): its members are the works whose search row matches, so it holds
 * while the text index is unchanged (files, polls, favorites, labels leave it alone), and a change
 * the library's own writes recorded (search-changes.ts) is patched in: those works are matched
 * again, in a small index of their own. Durations are only stored by `sorted` sets: after any write,
 * they are compared with the works' before the set is read again.
 */
interface MatchSet {
  match: string;
  slot: number;
  kind: 'sorted' | 'set';
  /** A `set`'s matches, ascending (empty for a `sorted` one). */
  ids: Float64Array;
  /** False when built inside a caller's transaction (a rollback would empty it): this page only. */
  kept: boolean;
  used: number;
  /** False when a write happened since a `sorted` set's durations were last compared. */
  durationsChecked: boolean;
}

/** What the kept sets and expansions were last made true for. */
interface Seen {
  /** The text index's state (see search-changes.ts); null: unknown, nothing kept. */
  state: string | null;
  changes: number;
  dataVersion: number;
}

interface KeyRow {
  id: number;
  duration_ms: number;
  /** Present when the key step could mark it on the spot (text search walked in rowid order). */
  snippet?: string | null;
}

/** Filters with an index of their own, by facet dimension. */
const FILTER_INDEXES = new Map([
  ['account', 'works_by_account'],
  ['content_type', 'works_by_content_type'],
  ['favorite', 'works_favorites'],
]);

/** The SQL function that tells whether a work is in a kept `set` (its slot, the work's id). */
const IN_MATCH_SET = 'gallery_in_match_set';

const NO_IDS = new Float64Array(0);

const snippetSql = (table: string) => `snippet(${table}, 0, '${SNIPPET_OPEN}', '${SNIPPET_CLOSE}', '…', 16)`;
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
  private readonly wordsStartingWith: Statement<[string, string, number], { term: string }>;
  private readonly matchIds: Statement<[string], string>;
  private readonly patchMatches: Statement<[string], number>;
  private readonly keyStatements = new Map<string, Statement<unknown[], KeyRow>>();
  private readonly totalChanges: Statement<[], number>;
  private readonly dataVersion: Statement<[], number>;
  private readonly workCount: Statement<[], number | null>;
  private readonly facet: Statement<[string, string], { count: number; longest_ms: number }>;
  private readonly snippetFill: Statement<[string]>;
  private readonly snippetIndex: Statement<[]>;
  private readonly snippetRows: Statement<[string], { id: number; snippet: string }>;
  private readonly snippetClear: Statement<[]>;
  private readonly snippetClearText: Statement<[]>;
  private readonly matchSets: MatchSet[] = [];
  /** Prefix expansions (an fts5vocab walk counts every doclist of the range), while valid. */
  private readonly expansions = new Map<string, string[] | null>();
  /** A match's sampled density when dense enough to probe (see PROBE_MIN), else null; while the text index is unchanged. */
  private readonly dense = new Map<string, number | null>();
  private readonly sampleFloor: Statement<[number], number | undefined>;
  private readonly sampleMatches: Statement<[string, bigint], number>;
  private seen: Seen = { state: null, changes: -1, dataVersion: -1 };
  /** Match sets built, patched after a recorded change, and forgotten after another (diagnostics). */
  readonly matchSetCounts = { built: 0, patched: 0, forgotten: 0 };
  private uses = 0;
  private readonly searchState: () => string;
  private readonly worksOfTasks: Statement<[string], number>;
  private readonly snippetTerms: Statement<[string, string], string>;

  /** `feed`: what the library's writes did to the text index (shared by its connections). */
  constructor(
    private readonly db: Database,
    private readonly feed: SearchChangeFeed,
  ) {
    this.searchState = searchStateStatement(db);
    this.worksOfTasks = db
      .prepare(
        `SELECT w.id FROM tasks t JOIN works w ON w.task_id = t.id
        WHERE t.task_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck() as Statement<[string], number>;
    this.itemById = db.prepare(itemSql('w.id = ?'));
    this.itemByWorkId = db.prepare(itemSql('w.work_id = ?'));
    this.accountByEmail = db.prepare('SELECT id FROM accounts WHERE email = ?');
    // The index's term list, per connection (temp): nothing stored, nothing to migrate.
    db.exec(
      'CREATE VIRTUAL TABLE IF NOT EXISTS temp.work_search_terms USING fts5vocab(main, work_search, row)',
    );
    this.sampleFloor = db
      .prepare('SELECT id FROM works ORDER BY id DESC LIMIT 1 OFFSET ?')
      .pluck() as Statement<[number], number | undefined>;
    this.sampleMatches = db
      .prepare('SELECT count(*) FROM work_search WHERE work_search MATCH ? AND rowid >= ?')
      .pluck() as Statement<[string, bigint], number>;
    this.matchIds = db
      .prepare('SELECT json_group_array(rowid) FROM work_search WHERE work_search MATCH ?')
      .pluck() as Statement<[string], string>;
    db.function(IN_MATCH_SET, { directOnly: true }, (slot, id) =>
      includes(this.matchSets[Number(slot)]?.ids ?? NO_IDS, Number(id)) ? 1 : 0,
    );
    this.wordsStartingWith = db.prepare(
      'SELECT term FROM temp.work_search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?',
    );
    this.totalChanges = db.prepare('SELECT total_changes()').pluck() as Statement<[], number>;
    this.dataVersion = db.prepare('PRAGMA data_version').pluck() as Statement<[], number>;
    this.workCount = db
      .prepare("SELECT sum(count) FROM work_facets WHERE dimension = 'favorite'")
      .pluck() as Statement<[], number | null>;
    this.facet = db.prepare('SELECT count, longest_ms FROM work_facets WHERE dimension = ? AND value = ?');
    // Temp tables (per connection, in memory): nothing stored in the library, nothing to migrate.
    for (let slot = 0; slot < MATCH_SET_SLOTS; slot += 1) {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS gallery_sorted_${slot} (duration_ms INTEGER NOT NULL,
          id INTEGER NOT NULL, PRIMARY KEY (duration_ms, id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS temp.gallery_sorted_${slot}_by_id ON gallery_sorted_${slot} (id);`);
    }
    // Snippets for rows found outside the text index's rowid walk: the shown rows only, indexed in a
    // small FTS5 table with the library's tokenizer, so that snippet() marks exactly what it would
    // there, without a seek per row in every segment of the big index (~5x cheaper for a page).
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS gallery_snippet_text (id INTEGER PRIMARY KEY, prompt TEXT,
        negative_prompt TEXT, type TEXT);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.gallery_snippets USING fts5(prompt, negative_prompt, type,
        content = 'gallery_snippet_text', content_rowid = 'id', tokenize = '${libraryTokenizer(db)}');
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.gallery_snippet_terms USING fts5vocab(temp, gallery_snippets, row);`);
    this.snippetTerms = db
      .prepare('SELECT term FROM temp.gallery_snippet_terms WHERE term >= ? AND term < ?')
      .pluck() as Statement<[string, string], string>;
    this.snippetFill = db.prepare(`INSERT INTO temp.gallery_snippet_text (id, prompt, negative_prompt, type)
      SELECT w.id, t.prompt, t.negative_prompt, t.type FROM works w JOIN tasks t ON t.id = w.task_id
      WHERE w.id IN (SELECT value FROM json_each(?))`);
    this.snippetIndex = db.prepare(`INSERT INTO temp.gallery_snippets (rowid, prompt, negative_prompt, type)
      SELECT id, prompt, negative_prompt, type FROM temp.gallery_snippet_text`);
    this.snippetRows = db.prepare(`SELECT rowid AS id, ${snippetSql('gallery_snippets')} AS snippet
      FROM temp.gallery_snippets WHERE gallery_snippets MATCH ?`);
    this.snippetClear = db.prepare(
      "INSERT INTO temp.gallery_snippets (gallery_snippets) VALUES ('delete-all')",
    );
    this.snippetClearText = db.prepare('DELETE FROM temp.gallery_snippet_text');
    this.patchMatches = db
      .prepare('SELECT rowid FROM temp.gallery_snippets WHERE gallery_snippets MATCH ?')
      .pluck() as Statement<[string], number>;
  }

  /** The whole indexed words starting with `prefix`, or null when there are too many to list. */
  private expandPrefix = (prefix: string): string[] | null => {
    const usable = this.sync();
    const kept = usable ? this.expansions.get(prefix) : undefined;
    if (kept !== undefined) return kept;
    const rows = this.wordsStartingWith.all(prefix, prefix + TERM_RANGE_END, MAX_PREFIX_WORDS + 1);
    const words = rows.length > MAX_PREFIX_WORDS ? null : rows.map((row) => row.term);
    if (usable && !this.db.inTransaction) {
      if (this.expansions.size >= 64) this.expansions.clear();
      this.expansions.set(prefix, words);
    }
    return words;
  };

  /**
   * Brings the kept match sets and expansions up to date after writes, by anyone: nothing to do when
   * the text index is as it was; the recorded changes patched in when they lead from that state to
   * the current one; all forgotten otherwise. False inside a transaction that saw a write since they
   * were last made true (it may yet roll back): they are neither used nor changed then.
   */
  private sync(): boolean {
    const changes = this.totalChanges.get() ?? 0;
    const dataVersion = this.dataVersion.get() ?? 0;
    if (changes === this.seen.changes && dataVersion === this.seen.dataVersion) return true;
    if (this.db.inTransaction) return false;
    for (const set of this.matchSets) set.durationsChecked = set.kind === 'set';
    const state = this.searchState();
    if (state !== this.seen.state) {
      const delta = this.seen.state === null ? null : this.feed.between(this.seen.state, state);
      if (delta === null || !this.patch(delta)) this.forget();
    }
    this.seen = { state, changes: this.totalChanges.get() ?? 0, dataVersion };
    return true;
  }

  private forget(): void {
    if (this.matchSets.some((set) => set.kept)) this.matchSetCounts.forgotten += 1;
    this.expansions.clear();
    this.dense.clear();
    for (const set of this.matchSets) {
      set.kept = false;
      set.ids = NO_IDS;
    }
  }

  /**
   * Matches the works a recorded change touched again, in a small index of their own with the
   * library's tokenizer (as snippets are marked), and puts each one in or out of every kept set,
   * with its current duration. Expansions gain the new words that start with their prefix (a word
   * no longer indexed matches nothing: the OR stays right). False when there are too many to patch.
   */
  private patch(delta: SearchDelta): boolean {
    const sets = this.matchSets.filter((set) => set.kept);
    const expansions = [...this.expansions].filter((entry): entry is [string, string[]] => entry[1] !== null);
    if (sets.length === 0 && expansions.length === 0) return false;
    const limit = Math.min(
      PATCH_MAX_WORKS,
      Math.max(PATCH_MIN_WORKS, Math.ceil((this.workCount.get() ?? 0) / 100)),
    );
    const ids = new Set(delta.works);
    for (let i = 0; i < delta.tasks.length && ids.size <= limit; i += 1000) {
      for (const id of this.worksOfTasks.all(JSON.stringify(delta.tasks.slice(i, i + 1000)))) ids.add(id);
    }
    if (ids.size > limit) return false;
    const touched = JSON.stringify([...ids]);
    const touchedIds = Float64Array.from(ids);
    this.ownWrites(() =>
      this.db.transaction(() => {
        this.snippetFill.run(touched);
        this.snippetIndex.run();
        for (const set of sets) {
          if (set.kind === 'set') {
            set.ids = replaceMembers(
              set.ids,
              touchedIds,
              Float64Array.from(this.patchMatches.all(set.match)),
            );
            continue;
          }
          const table = `temp.gallery_sorted_${set.slot}`;
          this.keyStatement(`DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).run(touched);
          this.keyStatement(
            `INSERT INTO ${table} (duration_ms, id) SELECT duration_ms, id FROM works
            WHERE id IN (SELECT rowid FROM temp.gallery_snippets WHERE gallery_snippets MATCH ?)`,
          ).run(set.match);
        }
        for (const [prefix, words] of expansions) {
          const all = new Set(words);
          for (const term of this.snippetTerms.all(prefix, prefix + TERM_RANGE_END)) all.add(term);
          this.expansions.set(prefix, all.size > MAX_PREFIX_WORDS ? null : [...all].sort());
        }
        this.snippetClear.run();
        this.snippetClearText.run();
      })(),
    );
    if (sets.length > 0) this.matchSetCounts.patched += 1;
    return true;
  }

  /** A `sorted` set's stored durations made those of the works again (they move on updates). */
  private checkDurations(set: MatchSet): void {
    const table = `temp.gallery_sorted_${set.slot}`;
    const moved = this.keyStatement(
      `SELECT s.id FROM ${table} s LEFT JOIN works w ON w.id = s.id WHERE w.duration_ms IS NOT s.duration_ms`,
    ).all();
    if (moved.length > 0) {
      const ids = JSON.stringify(moved.map((row) => row.id));
      this.ownWrites(() =>
        this.db.transaction(() => {
          this.keyStatement(`DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).run(ids);
          this.keyStatement(
            `INSERT INTO ${table} (duration_ms, id)
            SELECT duration_ms, id FROM works WHERE id IN (SELECT value FROM json_each(?))`,
          ).run(ids);
        })(),
      );
    }
    set.durationsChecked = true;
  }

  /** The FTS5 expression a query's text becomes, prefixes expanded as pages expand them (null: no words). */
  textMatch(text: string): string | null {
    return buildFtsQuery(text, this.expandPrefix);
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
    if (snippetInKeys) {
      shown.forEach((key, index) => {
        const item = items[index];
        if (item && key.snippet) item.snippet = snippetParts(key.snippet);
      });
    } else if (match && items.length > 0) this.addSnippets(match, shown, items);
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
  seek(query: Omit<GalleryQuery, 'cursor' | 'limit'>, position: number): GallerySeek {
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
   * How "longest" under filters is read. Their works are no longer than the shortest of the
   * filters' longest durations (facet rows keep each value's longest), so every walk starts there:
   * without that bound an image filter (all 0 ms) would pass every video first. Then the cheaper of
   * two plans, from the facet counts: the duration index walked and each row checked, about
   * 64 × works / matches rows a page (matches estimated as if the filters were independent), or the
   * index of one filter, its works read and sorted (account, content type, favorites).
   */
  private filteredLongest(facets: ReadonlyArray<[string, string]>): { longest: bigint; index: string } {
    const works = Math.max(1, this.workCount.get() ?? 0);
    let longest = Infinity;
    let matches = works;
    let index = 'works_by_duration';
    let cost = Infinity;
    for (const [dimension, value] of facets) {
      const row = this.facet.get(dimension, value);
      const count = row?.count ?? 0;
      longest = Math.min(longest, row?.longest_ms ?? 0);
      matches *= count / works;
      const own = FILTER_INDEXES.get(dimension);
      if (own && count < cost) [index, cost] = [own, count];
    }
    if ((64 * works) / Math.max(matches, 1) <= cost) index = 'works_by_duration';
    return { longest: sqlInteger(longest), index };
  }

  /**
   * The number of works a query shows, when the facet counts hold it: no text, no dates, at most one
   * filter (null otherwise: counting would walk what the seek means to skip).
   */
  private countOf(query: Omit<GalleryQuery, 'cursor' | 'limit'>): number | null {
    if (query.text || query.createdFrom !== undefined || query.createdTo !== undefined) return null;
    const filters = this.filterFacets(query);
    if (filters === null) return 0;
    const [only, ...more] = filters;
    if (!only) return this.workCount.get() ?? 0;
    return more.length > 0 ? null : (this.facet.get(...only)?.count ?? 0);
  }

  /** A query's filters as facet rows (dimension, value), or null when its account is unknown. */
  private filterFacets(query: Omit<GalleryQuery, 'cursor' | 'limit'>): Array<[string, string]> | null {
    const facets: Array<[string, string]> = [];
    if (query.account !== undefined) {
      const account = this.accountByEmail.get(query.account);
      if (!account) return null;
      facets.push(['account', String(account.id)]);
    }
    for (const [dimension, { filter }] of Object.entries(LISTED_FACETS)) {
      const value = filter === 'account' ? undefined : query[filter];
      if (value !== undefined) facets.push([dimension, value]);
    }
    if (query.favoritesOnly) facets.push(['favorite', '1']);
    return facets;
  }

  /** The key step's FROM, WHERE and ORDER BY for a query (null: it can match nothing). */
  /** `paging`: for pages (which may probe a dense match, see PROBE_MIN), not for a seek's skip. */
  private keyStep(
    query: Omit<GalleryQuery, 'limit'>,
    cursorText: string | null,
    paging = false,
  ): KeyStep | null {
    const sort: GallerySort = query.sort ?? 'newest';
    const match = query.text ? buildFtsQuery(query.text, this.expandPrefix) : null;
    const cursor = cursorText ? decodeCursor(cursorText, sort, sort === 'longest' ? 2 : 1) : null;
    const where: string[] = [];
    const params: unknown[] = [];
    // Text + longest reads the query's kept matches, or probes a dense one; other text queries walk
    // the text index.
    const density = match !== null && sort === 'longest' && paging ? this.probeDensity(match) : null;
    if (match !== null && density !== null) {
      const { text: _text, cursor: _cursor, ...rest } = query;
      const step = this.keyStep(rest, cursorText);
      return step && { ...step, match, probe: { query: rest, match, density } };
    }
    const matches = match !== null && sort === 'longest' ? this.matchSet(match) : null;
    const sorted = matches?.kind === 'sorted';
    const ftsDriven = match !== null && matches === null;
    const idColumn = ftsDriven ? 'work_search.rowid' : sorted ? 's.id' : 'w.id';
    const durationColumn = sorted ? 's.duration_ms' : 'w.duration_ms';
    if (matches?.kind === 'set') where.push(`${IN_MATCH_SET}(${matches.slot}, w.id)`);
    else if (ftsDriven) {
      where.push('work_search MATCH ?');
      params.push(match);
    }
    const facets = this.filterFacets(query);
    if (facets === null) return null;
    for (const [dimension, value] of facets) {
      // Favorites as a literal: only then can works_favorites (WHERE favorite = 1) serve them.
      if (dimension === 'favorite') where.push('w.favorite = 1');
      else if (dimension === 'account') {
        where.push('w.account_id = ?');
        params.push(Number(value));
      } else {
        where.push(`w.${dimension} = ?`);
        params.push(value);
      }
    }
    const dated = query.createdFrom !== undefined || query.createdTo !== undefined;
    const plan = sort === 'longest' && facets.length > 0 ? this.filteredLongest(facets) : null;
    pushCreatedRange(query, idColumn, where, params);
    // As INTEGERs (see sqlInteger): FTS5 ignores a rowid bound given as a REAL.
    const [first = 0n, second = 0n] = (cursor ?? []).map(sqlInteger);
    let longestAfter: KeyStep['longestAfter'] = null;
    if (cursor) {
      if (sort === 'newest') where.push(`${idColumn} < ?`);
      else if (sort === 'oldest') where.push(`${idColumn} > ?`);
      if (sort !== 'longest') params.push(first);
      else {
        const belowBound = plan ? plan.longest + 1n : first;
        longestAfter = { duration: first, id: second, shorterThan: belowBound < first ? belowBound : first };
      }
    } else if (plan) {
      where.push(`${durationColumn} <= ?`);
      params.push(plan.longest);
    }
    const order =
      sort === 'newest'
        ? `${idColumn} DESC`
        : sort === 'oldest'
          ? `${idColumn} ASC`
          : `${durationColumn} DESC, ${idColumn} DESC`;
    const reversedOrder = order.replace(/\b(DESC|ASC)\b/g, (way) => (way === 'DESC' ? 'ASC' : 'DESC'));
    const from = matches
      ? sorted
        ? `temp.gallery_sorted_${matches.slot} s CROSS JOIN works w ON w.id = s.id`
        : 'works w INDEXED BY works_by_duration'
      : ftsDriven
        ? 'work_search JOIN works w ON w.id = work_search.rowid'
        : plan && !dated
          ? `works w INDEXED BY ${plan.index}`
          : 'works w';
    return {
      sort,
      match,
      ftsDriven,
      keys: 'w.id, w.duration_ms',
      from,
      where,
      params,
      order,
      reversedOrder,
      durationColumn,
      idColumn,
      longestAfter,
      probe: null,
    };
  }

  /** `match`'s sampled density when dense enough to probe (see PROBE_MIN), else null; kept until the index changes. */
  private probeDensity(match: string): number | null {
    const usable = this.sync();
    const kept = usable ? this.dense.get(match) : undefined;
    if (kept !== undefined) return kept;
    const works = this.workCount.get() ?? 0;
    let dense: number | null = null;
    // Below PROBE_MIN works there are fewer matches than that however dense. A one-letter prefix
    // has no prefix index: sampling would merge all its words' doclists, which reading them repeats.
    if (works >= PROBE_MIN && !/"\p{L}"\*/u.test(match)) {
      const sample = Math.min(PROBE_SAMPLE, works);
      const floor = this.sampleFloor.get(sample - 1) ?? 0;
      const density = (this.sampleMatches.get(match, sqlInteger(floor)) ?? 0) / sample;
      if (density >= PROBE_MIN_DENSITY && works * density >= PROBE_MIN) dense = density;
    }
    if (usable && !this.db.inTransaction) {
      if (this.dense.size >= 64) this.dense.clear();
      this.dense.set(match, dense);
    }
    return dense;
  }

  /**
   * The first `want` keys of a probing step (see PROBE_MIN): the works it walks, a chunk at a time,
   * matched in the temp text index, each with its snippet.
   */
  private probedKeys(step: KeyStep, probe: NonNullable<KeyStep['probe']>, want: number): KeyRow[] {
    const { query, match, density } = probe;
    // A little over what the density says, so that one chunk usually fills the page.
    const chunk = Math.min(PROBE_CHUNK_MAX, Math.max(64, Math.ceil((1.25 * want) / Math.max(density, 0.01))));
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

  /** The kept matches of `match`, built now when there are none or the library changed since. */
  private matchSet(match: string): MatchSet {
    const usable = this.sync();
    this.uses += 1;
    const kept = this.matchSets.find((set) => set.kept && set.match === match);
    // Inside a transaction, durations are not compared (its rollback would undo the corrections).
    if (kept && usable && (kept.durationsChecked || !this.db.inTransaction)) {
      if (!kept.durationsChecked) this.checkDurations(kept);
      kept.used = this.uses;
      return kept;
    }
    const works = this.workCount.get() ?? 0;
    const sortedMax = Math.min(SORTED_MATCHES_MAX, Math.max(SORTED_MATCHES_MIN, Math.ceil(works / 128)));
    // One walk of the text index: the whole match set, whichever way it is then kept.
    const idsJson = this.matchIds.get(match) ?? '[]';
    const ids = Float64Array.from(JSON.parse(idsJson) as number[]);
    const many = ids.length > sortedMax;
    let set = this.matchSets.find((entry) => !entry.kept);
    if (!set && this.matchSets.length < MATCH_SET_SLOTS) {
      set = {
        match,
        slot: this.matchSets.length,
        kind: 'set',
        ids: NO_IDS,
        kept: false,
        used: 0,
        durationsChecked: true,
      };
      this.matchSets.push(set);
    }
    set ??= this.matchSets.reduce((oldest, entry) => (entry.used < oldest.used ? entry : oldest));
    const slot = set.slot;
    this.matchSetCounts.built += 1;
    // The text index walks matches in rowid order; sorted again should it ever not.
    if (!isAscending(ids)) ids.sort();
    Object.assign(set, {
      match,
      kind: many ? 'set' : 'sorted',
      // A set keeps stale FTS rowids, if any: the walk over works_by_duration only meets live works.
      ids: many ? ids : NO_IDS,
      kept: !this.db.inTransaction,
      used: this.uses,
      durationsChecked: true,
    });
    this.ownWrites(() => {
      this.keyStatement(`DELETE FROM temp.gallery_sorted_${slot}`).run();
      if (!many)
        this.keyStatement(
          `INSERT INTO temp.gallery_sorted_${slot} (duration_ms, id)
          SELECT duration_ms, id FROM works WHERE id IN (SELECT value FROM json_each(?))`,
        ).run(idsJson);
    });
    return set;
  }

  /**
   * Runs writes to this class's own temp tables: they count in total_changes() like any other, so
   * the match sets that were valid before stay valid after them.
   */
  private ownWrites(write: () => void): void {
    const before = this.totalChanges.get() ?? 0;
    write();
    if (before === this.seen.changes) this.seen.changes = this.totalChanges.get() ?? 0;
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

  private addSnippets(match: string, keys: KeyRow[], items: GalleryItem[]): void {
    const byId = this.matchAmong(match, keys);
    keys.forEach((key, index) => {
      const item = items[index];
      const snippet = byId.get(key.id);
      if (item && snippet) item.snippet = snippetParts(snippet);
    });
  }

  /** Which of `keys` match, each with its snippet: their text indexed in the small temp index. */
  private matchAmong(match: string, keys: readonly KeyRow[]): Map<number, string> {
    const byId = new Map<number, string>();
    if (keys.length === 0) return byId;
    this.ownWrites(() =>
      this.db.transaction(() => {
        this.snippetFill.run(JSON.stringify(keys.map((key) => key.id)));
        this.snippetIndex.run();
        for (const row of this.snippetRows.all(match)) byId.set(row.id, row.snippet ?? '');
        this.snippetClear.run();
        this.snippetClearText.run();
      })(),
    );
    return byId;
  }
}

/** The text index's tokenizer as its migration declared it, so the snippet index folds alike. */
function libraryTokenizer(db: Database): string {
  const row = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'work_search'").get() as
    { sql: string } | undefined;
  return /tokenize\s*=\s*'([^']*)'/i.exec(row?.sql ?? '')?.[1] ?? 'unicode61 remove_diacritics 2';
}
