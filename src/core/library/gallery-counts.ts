// How many works a gallery query shows in each account: the gallery states its count with it and,
// when a search has hits outside the account shown, says where ("12 more in sketches@…"). The same
// filters as a page (see gallery.ts), counted instead of paged; text as the page expands it.
import type { Database, Statement } from 'better-sqlite3';
import type { GalleryCounts, GalleryCountsQuery } from '../../shared/domain/library';
import { pushCreatedRange } from './work-key';

type CountRow = { account: string; count: number };

export class GalleryCountQueries {
  private readonly statements = new Map<string, Statement<unknown[], CountRow>>();
  private readonly perAccount: Statement<[], CountRow>;

  /** `textMatch`: the FTS5 expression of a query's text, exactly as the gallery's pages build it. */
  constructor(
    private readonly db: Database,
    private readonly textMatch: (text: string) => string | null,
  ) {
    // No filter at all: the facet counts hold the answer, nothing is walked.
    this.perAccount = db.prepare(`SELECT a.email AS account, f.count AS count FROM work_facets f
      JOIN accounts a ON a.id = CAST(f.value AS INTEGER)
      WHERE f.dimension = 'account' AND f.count > 0 ORDER BY f.count DESC, a.email`);
  }

  counts(query: GalleryCountsQuery): GalleryCounts {
    const match = query.text ? this.textMatch(query.text) : null;
    const where: string[] = [];
    const params: unknown[] = [];
    const idColumn = match === null ? 'w.id' : 'work_search.rowid';
    if (match !== null) {
      where.push('work_search MATCH ?');
      params.push(match);
    }
    for (const [column, value] of [
      ['phase', query.phase],
      ['content_type', query.contentType],
      ['task_type', query.taskType],
      ['model_version', query.modelVersion],
    ] as const) {
      if (value === undefined) continue;
      where.push(`w.${column} = ?`);
      params.push(value);
    }
    // A literal, so that works_favorites (WHERE favorite = 1) can serve it.
    if (query.favoritesOnly) where.push('w.favorite = 1');
    pushCreatedRange(query, idColumn, where, params);
    if (where.length === 0) return { accounts: this.perAccount.all() };
    const from = match === null ? 'works w' : 'work_search JOIN works w ON w.id = work_search.rowid';
    // Grouped by an expression (+): works_by_account must not be chosen to serve the grouping, which
    // would walk every work instead of the filter's own index.
    const sql = `SELECT a.email AS account, c.count AS count FROM (
        SELECT w.account_id, count(*) AS count FROM ${from} WHERE ${where.join(' AND ')}
        GROUP BY +w.account_id) c
      JOIN accounts a ON a.id = c.account_id ORDER BY c.count DESC, a.email`;
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql) as Statement<unknown[], CountRow>;
      this.statements.set(sql, statement);
    }
    return { accounts: statement.all(...params) };
  }
}
