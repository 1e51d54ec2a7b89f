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
import { decodeCursor, encodeCursor } from './cursor';
import type { CursorKey } from './cursor';
import { buildFtsQuery, SNIPPET_CLOSE, SNIPPET_OPEN, snippetParts } from './fts-query';
import { KEY_SLOTS } from './work-key';

export const DEFAULT_PAGE_SIZE = 60;

/** A trailing prefix that starts more words than this stays a prefix term (correct, slower). */
export const MAX_PREFIX_WORDS = 50;

/**
 * Text + "longest": up to this many matches are fetched and sorted; with more, the duration index
 * is walked longest first and each row checked against the match set, which stops at the LIMIT
 * after about limit / density rows instead of sorting every match.
 */
export const SORTED_MATCHES_MAX = 5000;

/** Above every UTF-8 sequence, so `term < prefix + END` bounds the terms that start with `prefix`. */
const TERM_RANGE_END = '\u{10FFFF}';

interface KeyStep {
  sort: GallerySort;
  match: string | null;
  ftsDriven: boolean;
  from: string;
  where: string[];
  params: unknown[];
  order: string;
}

interface KeyRow {
  id: number;
  duration_ms: number;
  /** Present when the key step could mark it on the spot (text search walked in rowid order). */
  snippet?: string | null;
}

const SNIPPET_SQL = `snippet(work_search, 0, '${SNIPPET_OPEN}', '${SNIPPET_CLOSE}', '…', 16)`;

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
  private readonly countMatchesUpTo: Statement<[string, number], { n: number }>;
  private readonly keyStatements = new Map<string, Statement<unknown[], KeyRow>>();
  private readonly snippetStatements = new Map<
    number,
    Statement<unknown[], { id: number; snippet: string }>
  >();

  constructor(private readonly db: Database) {
    this.itemById = db.prepare(itemSql('w.id = ?'));
    this.itemByWorkId = db.prepare(itemSql('w.work_id = ?'));
    this.accountByEmail = db.prepare('SELECT id FROM accounts WHERE email = ?');
    // The index's term list, per connection (temp): nothing stored, nothing to migrate.
    db.exec(
      'CREATE VIRTUAL TABLE IF NOT EXISTS temp.work_search_terms USING fts5vocab(main, work_search, row)',
    );
    this.countMatchesUpTo = db.prepare(
      'SELECT count(*) AS n FROM (SELECT 1 FROM work_search WHERE work_search MATCH ? LIMIT ?)',
    );
    this.wordsStartingWith = db.prepare(
      'SELECT term FROM temp.work_search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?',
    );
  }

  /** The whole indexed words starting with `prefix`, or null when there are too many to list. */
  private expandPrefix = (prefix: string): string[] | null => {
    const rows = this.wordsStartingWith.all(prefix, prefix + TERM_RANGE_END, MAX_PREFIX_WORDS + 1);
    return rows.length > MAX_PREFIX_WORDS ? null : rows.map((row) => row.term);
  };

  item(workId: string): GalleryItem | null {
    const row = this.itemByWorkId.get(workId);
    return row ? toGalleryItem(row) : null;
  }

  page(query: GalleryQuery): GalleryPage {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const step = this.keyStep(query, query.cursor ?? null);
    if (step === null) return { items: [], nextCursor: null };
    const { sort, match, ftsDriven, from, where, params, order } = step;
    // Walking the text index in rowid order, the snippet is marked from the row the cursor is on:
    // a later lookup by rowid would seek every term again in every index segment, per row shown.
    const snippetInKeys = ftsDriven && sort !== 'longest';
    const sql = `SELECT w.id, w.duration_ms${snippetInKeys ? `, ${SNIPPET_SQL} AS snippet` : ''} FROM ${from}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    params.push(limit + 1);

    const keys = this.keyStatement(sql).all(...params);
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
    let nextCursor: string | null = null;
    if (more && last) {
      const key: CursorKey = sort === 'longest' ? [last.duration_ms, last.id] : [last.id];
      nextCursor = encodeCursor(sort, key);
    }
    return { items, nextCursor };
  }

  /**
   * The cursor that starts a gallery page at `position` (0-based) of the query's order: for a jump
   * (scrollbar drag, End) to a place no page has reached yet. It skips `position` keys in the index
   * that serves the sort — one index walk, keys only, no rows read — instead of the client paging
   * its way there; the pages from that cursor on are keyset pages as usual.
   */
  seek(query: Omit<GalleryQuery, 'cursor' | 'limit'>, position: number): GallerySeek {
    if (position <= 0) return { cursor: null, atEnd: false };
    const step = this.keyStep(query, null);
    if (step === null) return { cursor: null, atEnd: true };
    const { sort, from, where, params, order } = step;
    const sql = `SELECT w.id, w.duration_ms FROM ${from}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT 2 OFFSET ?`;
    // The key just before `position` makes the cursor; a second row says something is there.
    const keys = this.keyStatement(sql).all(...params, position - 1);
    const before = keys[0];
    if (!before) return { cursor: null, atEnd: true };
    const key: CursorKey = sort === 'longest' ? [before.duration_ms, before.id] : [before.id];
    return { cursor: encodeCursor(sort, key), atEnd: keys.length < 2 };
  }

  /** The key step's FROM, WHERE and ORDER BY for a query (null: it can match nothing). */
  private keyStep(query: Omit<GalleryQuery, 'limit'>, cursorText: string | null): KeyStep | null {
    const sort: GallerySort = query.sort ?? 'newest';
    const match = query.text ? buildFtsQuery(query.text, this.expandPrefix) : null;
    const cursor = cursorText ? decodeCursor(cursorText, sort, sort === 'longest' ? 2 : 1) : null;
    const where: string[] = [];
    const params: unknown[] = [];
    const walkDurations =
      match !== null &&
      sort === 'longest' &&
      (this.countMatchesUpTo.get(match, SORTED_MATCHES_MAX + 1)?.n ?? 0) > SORTED_MATCHES_MAX;
    const ftsDriven = match !== null && !walkDurations;
    const idColumn = ftsDriven ? 'work_search.rowid' : 'w.id';
    if (walkDurations) {
      where.push('w.id IN (SELECT rowid FROM work_search WHERE work_search MATCH ?)');
      params.push(match);
    } else if (match) {
      where.push('work_search MATCH ?');
      params.push(match);
    }
    if (query.account !== undefined) {
      const account = this.accountByEmail.get(query.account);
      if (!account) return null;
      where.push('w.account_id = ?');
      params.push(account.id);
    }
    for (const [column, value] of [
      ['w.phase', query.phase],
      ['w.content_type', query.contentType],
      ['w.task_type', query.taskType],
      ['w.model_version', query.modelVersion],
    ] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    if (query.favoritesOnly) where.push('w.favorite = 1');
    // Dates become a range of the time-ordered key: the rowid (or FTS rowid) does the filtering.
    if (query.createdFrom !== undefined) {
      where.push(`${idColumn} >= ?`);
      params.push(Math.max(0, query.createdFrom) * KEY_SLOTS);
    }
    if (query.createdTo !== undefined) {
      where.push(`${idColumn} < ?`);
      params.push(Math.max(0, query.createdTo) * KEY_SLOTS);
    }
    if (cursor) {
      if (sort === 'newest') where.push(`${idColumn} < ?`);
      else if (sort === 'oldest') where.push(`${idColumn} > ?`);
      else where.push('(w.duration_ms, w.id) < (?, ?)');
      params.push(...cursor);
    }
    const order =
      sort === 'newest'
        ? `${idColumn} DESC`
        : sort === 'oldest'
          ? `${idColumn} ASC`
          : 'w.duration_ms DESC, w.id DESC';
    const from = walkDurations
      ? 'works w INDEXED BY works_by_duration'
      : ftsDriven
        ? 'work_search JOIN works w ON w.id = work_search.rowid'
        : 'works w';
    return { sort, match, ftsDriven, from, where, params, order };
  }

  /** The SQL that would run for a query's key step, with SQLite's plan (benchmarks, debugging). */
  explain(sql: string, params: unknown[]): string[] {
    return this.db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => (row as { detail: string }).detail);
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
    let statement = this.snippetStatements.get(keys.length);
    if (!statement) {
      statement = this.db.prepare(
        `SELECT rowid AS id, ${SNIPPET_SQL} AS snippet
         FROM work_search WHERE work_search MATCH ? AND rowid IN (${keys.map(() => '?').join(',')})`,
      );
      this.snippetStatements.set(keys.length, statement);
    }
    const byId = new Map<number, string>();
    for (const row of statement.all(match, ...keys.map((key) => key.id))) byId.set(row.id, row.snippet);
    keys.forEach((key, index) => {
      const item = items[index];
      const snippet = byId.get(key.id);
      if (item && snippet) item.snippet = snippetParts(snippet);
    });
  }
}
