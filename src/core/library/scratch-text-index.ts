// A small text index for a few works at a time (temp, per connection, in memory): their text is
// copied in, indexed with the library's tokenizer, matched, and cleared again. The gallery marks
// snippets here for rows found outside the big index's rowid walk (a lookup by rowid there seeks
// every term in every segment, per row), checks which works of a chunk match (text + "longest" for a
// dense word), and rechecks the works a write touched (patching kept match sets). Nothing is stored
// in the library, nothing to migrate.
import type { Database, Statement } from 'better-sqlite3';
import { SNIPPET_CLOSE, SNIPPET_OPEN } from './fts-query';

export const snippetSql = (table: string) =>
  `snippet(${table}, 0, '${SNIPPET_OPEN}', '${SNIPPET_CLOSE}', '…', 16)`;

/** Above every UTF-8 sequence, so `term < prefix + END` bounds the terms that start with `prefix`. */
export const TERM_RANGE_END = '\u{10FFFF}';

export class ScratchTextIndex {
  private readonly fill: Statement<[string]>;
  private readonly index: Statement<[]>;
  private readonly snippetRows: Statement<[string], { id: number; snippet: string | null }>;
  private readonly matchingRows: Statement<[string], number>;
  private readonly termRows: Statement<[string, string], string>;
  private readonly clearIndex: Statement<[]>;
  private readonly clearText: Statement<[]>;

  constructor(private readonly db: Database) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS gallery_snippet_text (id INTEGER PRIMARY KEY, prompt TEXT,
        negative_prompt TEXT, type TEXT);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.gallery_snippets USING fts5(prompt, negative_prompt, type,
        content = 'gallery_snippet_text', content_rowid = 'id', tokenize = '${libraryTokenizer(db)}');
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.gallery_snippet_terms USING fts5vocab(temp, gallery_snippets, row);`);
    this.fill = db.prepare(`INSERT INTO temp.gallery_snippet_text (id, prompt, negative_prompt, type)
      SELECT w.id, t.prompt, t.negative_prompt, t.type FROM works w JOIN tasks t ON t.id = w.task_id
      WHERE w.id IN (SELECT value FROM json_each(?))`);
    this.index = db.prepare(`INSERT INTO temp.gallery_snippets (rowid, prompt, negative_prompt, type)
      SELECT id, prompt, negative_prompt, type FROM temp.gallery_snippet_text`);
    this.snippetRows = db.prepare(`SELECT rowid AS id, ${snippetSql('gallery_snippets')} AS snippet
      FROM temp.gallery_snippets WHERE gallery_snippets MATCH ?`);
    this.matchingRows = db
      .prepare('SELECT rowid FROM temp.gallery_snippets WHERE gallery_snippets MATCH ?')
      .pluck() as Statement<[string], number>;
    this.termRows = db
      .prepare('SELECT term FROM temp.gallery_snippet_terms WHERE term >= ? AND term < ?')
      .pluck() as Statement<[string, string], string>;
    this.clearIndex = db.prepare(
      "INSERT INTO temp.gallery_snippets (gallery_snippets) VALUES ('delete-all')",
    );
    this.clearText = db.prepare('DELETE FROM temp.gallery_snippet_text');
  }

  /** Runs `use` with the works `ids` (a JSON array) indexed here, in one transaction; cleared after. */
  with<T>(ids: string, use: () => T): T {
    return this.db.transaction(() => {
      this.fill.run(ids);
      this.index.run();
      const result = use();
      this.clearIndex.run();
      this.clearText.run();
      return result;
    })();
  }

  /** Which of the indexed works match, each with its marked snippet (inside `with`). */
  snippets(match: string): Map<number, string> {
    const byId = new Map<number, string>();
    for (const row of this.snippetRows.all(match)) byId.set(row.id, row.snippet ?? '');
    return byId;
  }

  /** The indexed works that match (inside `with`). */
  matching(match: string): number[] {
    return this.matchingRows.all(match);
  }

  /** The indexed words that start with `prefix` (inside `with`). */
  termsStartingWith(prefix: string): string[] {
    return this.termRows.all(prefix, prefix + TERM_RANGE_END);
  }
}

/** The text index's tokenizer as its migration declared it, so this index folds alike. */
function libraryTokenizer(db: Database): string {
  const row = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'work_search'").get() as
    { sql: string } | undefined;
  return /tokenize\s*=\s*'([^']*)'/i.exec(row?.sql ?? '')?.[1] ?? 'unicode61 remove_diacritics 2';
}
