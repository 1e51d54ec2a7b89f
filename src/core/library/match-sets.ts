// The kept matches of text + "longest" queries. FTS5 walks a query's matches in rowid (time) order
// only, and checking one work against it costs a seek in every segment of the index, so a page in
// duration order would otherwise pay for the whole match set. A query's matches are read once, kept,
// and reused by its next pages and seeks:
// - `sorted`: (duration_ms, id) of each match in a temp table; pages are range reads of it.
// - `set`: the ids only, ascending, read through an SQL function while a page walks works by
//   duration and checks each one (no works lookup per match: cheaper to build for many matches).
//
// Kept across writes. Its members are the works whose search row matches, so a set holds while the
// text index is unchanged (files, polls, favorites and labels leave it alone), and a change the
// library's own writes recorded (search-changes.ts) is patched in: those works are matched again in
// the scratch index. Durations are only stored by `sorted` sets: after any write, they are compared
// with the works' before the set is read again. Prefix expansions and sampled densities are kept the
// same way.
import type { Database, Statement } from 'better-sqlite3';
import type { GalleryOptions } from './gallery-options';
import type { ScratchTextIndex } from './scratch-text-index';
import { TERM_RANGE_END } from './scratch-text-index';
import { searchStateStatement } from './search-changes';
import type { SearchChangeFeed, SearchDelta } from './search-changes';
import { includes, isAscending, replaceMembers } from './sorted-ids';
import { sqlInteger } from './work-key';

export interface MatchSet {
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

/** The SQL function that tells whether a work is in a kept `set` (its slot, the work's id). */
export const IN_MATCH_SET = 'gallery_in_match_set';

/** The temp table of a `sorted` set. */
export const sortedTable = (slot: number) => `temp.gallery_sorted_${slot}`;

/** Prefix expansions and densities kept at most (a few per search typed). */
const MEMO_MAX = 64;

const NO_IDS = new Float64Array(0);

export class MatchSets {
  private readonly sets: MatchSet[] = [];
  /** Prefix expansions (an fts5vocab walk counts every doclist of the range), while valid. */
  private readonly expansions = new Map<string, string[] | null>();
  /** A match's sampled density when dense enough to probe, else null; while the text index is unchanged. */
  private readonly dense = new Map<string, number | null>();
  private readonly statements = new Map<string, Statement<unknown[], { id: number }>>();
  private readonly searchState: () => string;
  private readonly worksOfTasks: Statement<[string], number>;
  private readonly matchIds: Statement<[string], string>;
  private readonly wordsStartingWith: Statement<[string, string, number], { term: string }>;
  private readonly sampleFloor: Statement<[number], number | undefined>;
  private readonly sampleMatches: Statement<[string, bigint], number>;
  private readonly totalChanges: Statement<[], number>;
  private readonly dataVersion: Statement<[], number>;
  private seen: Seen = { state: null, changes: -1, dataVersion: -1 };
  private uses = 0;
  /** Match sets built, patched after a recorded change, and forgotten after another (diagnostics). */
  readonly counts = { built: 0, patched: 0, forgotten: 0 };

  /** `feed`: what the library's writes did to the text index; `workCount`: the works in the library. */
  constructor(
    private readonly db: Database,
    private readonly feed: SearchChangeFeed,
    private readonly scratch: ScratchTextIndex,
    private readonly workCount: () => number,
    private readonly options: Readonly<GalleryOptions>,
  ) {
    this.searchState = searchStateStatement(db);
    this.worksOfTasks = db
      .prepare(
        `SELECT w.id FROM tasks t JOIN works w ON w.task_id = t.id
        WHERE t.task_id IN (SELECT value FROM json_each(?))`,
      )
      .pluck() as Statement<[string], number>;
    this.matchIds = db
      .prepare('SELECT json_group_array(rowid) FROM work_search WHERE work_search MATCH ?')
      .pluck() as Statement<[string], string>;
    // The index's term list, per connection (temp): nothing stored, nothing to migrate.
    db.exec(
      'CREATE VIRTUAL TABLE IF NOT EXISTS temp.work_search_terms USING fts5vocab(main, work_search, row)',
    );
    this.wordsStartingWith = db.prepare(
      'SELECT term FROM temp.work_search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?',
    );
    this.sampleFloor = db
      .prepare('SELECT id FROM works ORDER BY id DESC LIMIT 1 OFFSET ?')
      .pluck() as Statement<[number], number | undefined>;
    this.sampleMatches = db
      .prepare('SELECT count(*) FROM work_search WHERE work_search MATCH ? AND rowid >= ?')
      .pluck() as Statement<[string, bigint], number>;
    this.totalChanges = db.prepare('SELECT total_changes()').pluck() as Statement<[], number>;
    this.dataVersion = db.prepare('PRAGMA data_version').pluck() as Statement<[], number>;
    db.function(IN_MATCH_SET, { directOnly: true }, (slot, id) =>
      includes(this.sets[Number(slot)]?.ids ?? NO_IDS, Number(id)) ? 1 : 0,
    );
    for (let slot = 0; slot < options.matchSetSlots; slot += 1) {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS gallery_sorted_${slot} (duration_ms INTEGER NOT NULL,
          id INTEGER NOT NULL, PRIMARY KEY (duration_ms, id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS temp.gallery_sorted_${slot}_by_id ON gallery_sorted_${slot} (id);`);
    }
  }

  /** The whole indexed words starting with `prefix`, or null when there are too many to list. */
  expandPrefix = (prefix: string): string[] | null => {
    const usable = this.sync();
    const kept = usable ? this.expansions.get(prefix) : undefined;
    if (kept !== undefined) return kept;
    const max = this.options.maxPrefixWords;
    const rows = this.wordsStartingWith.all(prefix, prefix + TERM_RANGE_END, max + 1);
    const words = rows.length > max ? null : rows.map((row) => row.term);
    this.memo(this.expansions, prefix, words, usable);
    return words;
  };

  /** `match`'s sampled density when dense enough to probe, else null; kept until the index changes. */
  probeDensity(match: string): number | null {
    const usable = this.sync();
    const kept = usable ? this.dense.get(match) : undefined;
    if (kept !== undefined) return kept;
    const { probeMin, probeSample, probeMinDensity } = this.options;
    const works = this.workCount();
    let dense: number | null = null;
    // Below probeMin works there are fewer matches than that however dense. A one-letter prefix
    // has no prefix index: sampling would merge all its words' doclists, which reading them repeats.
    if (works >= probeMin && !/"\p{L}"\*/u.test(match)) {
      const sample = Math.min(probeSample, works);
      const floor = this.sampleFloor.get(sample - 1) ?? 0;
      const density = (this.sampleMatches.get(match, sqlInteger(floor)) ?? 0) / sample;
      if (density >= probeMinDensity && works * density >= probeMin) dense = density;
    }
    this.memo(this.dense, match, dense, usable);
    return dense;
  }

  private memo<T>(memo: Map<string, T>, key: string, value: T, usable: boolean): void {
    if (!usable || this.db.inTransaction) return;
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(key, value);
  }

  /** The kept matches of `match`, built now when there are none or the library changed since. */
  get(match: string): MatchSet {
    const usable = this.sync();
    this.uses += 1;
    const kept = this.sets.find((set) => set.kept && set.match === match);
    // Inside a transaction, durations are not compared (its rollback would undo the corrections).
    if (kept && usable && (kept.durationsChecked || !this.db.inTransaction)) {
      if (!kept.durationsChecked) this.checkDurations(kept);
      kept.used = this.uses;
      return kept;
    }
    return this.build(match);
  }

  private build(match: string): MatchSet {
    const { sortedMatchesMax, sortedMatchesMin } = this.options;
    const sortedMax = Math.min(
      sortedMatchesMax,
      Math.max(sortedMatchesMin, Math.ceil(this.workCount() / 128)),
    );
    // One walk of the text index: the whole match set, whichever way it is then kept.
    const idsJson = this.matchIds.get(match) ?? '[]';
    const ids = Float64Array.from(JSON.parse(idsJson) as number[]);
    const many = ids.length > sortedMax;
    const set = this.freeSlot(match);
    this.counts.built += 1;
    // The text index walks matches in rowid order; sorted again should it ever not.
    if (!isAscending(ids)) ids.sort();
    Object.assign(set, {
      match,
      kind: many ? 'set' : 'sorted',
      // A set keeps stale FTS rowids, if any: the walk over works by duration only meets live works.
      ids: many ? ids : NO_IDS,
      kept: !this.db.inTransaction,
      used: this.uses,
      durationsChecked: true,
    });
    const table = sortedTable(set.slot);
    this.ownWrites(() => {
      this.statement(`DELETE FROM ${table}`).run();
      if (!many)
        this.statement(
          `INSERT INTO ${table} (duration_ms, id)
          SELECT duration_ms, id FROM works WHERE id IN (SELECT value FROM json_each(?))`,
        ).run(idsJson);
    });
    return set;
  }

  /** A slot for a new set: one never used or not kept, else the least recently used. */
  private freeSlot(match: string): MatchSet {
    let set = this.sets.find((entry) => !entry.kept);
    if (!set && this.sets.length < this.options.matchSetSlots) {
      set = {
        match,
        slot: this.sets.length,
        kind: 'set',
        ids: NO_IDS,
        kept: false,
        used: 0,
        durationsChecked: true,
      };
      this.sets.push(set);
    }
    return set ?? this.sets.reduce((oldest, entry) => (entry.used < oldest.used ? entry : oldest));
  }

  /**
   * Runs writes to the temp tables: they count in total_changes() like any other, so the sets that
   * were valid before stay valid after them.
   */
  ownWrites<T>(write: () => T): T {
    const before = this.totalChanges.get() ?? 0;
    const result = write();
    if (before === this.seen.changes) this.seen.changes = this.totalChanges.get() ?? 0;
    return result;
  }

  /**
   * Brings the kept sets and expansions up to date after writes, by anyone: nothing to do when the
   * text index is as it was; the recorded changes patched in when they lead from that state to the
   * current one; all forgotten otherwise. False inside a transaction that saw a write since they were
   * last made true (it may yet roll back): they are neither used nor changed then.
   */
  private sync(): boolean {
    const changes = this.totalChanges.get() ?? 0;
    const dataVersion = this.dataVersion.get() ?? 0;
    if (changes === this.seen.changes && dataVersion === this.seen.dataVersion) return true;
    if (this.db.inTransaction) return false;
    for (const set of this.sets) set.durationsChecked = set.kind === 'set';
    const state = this.searchState();
    if (state !== this.seen.state) {
      const delta = this.seen.state === null ? null : this.feed.between(this.seen.state, state);
      if (delta === null || !this.patch(delta)) this.forget();
    }
    this.seen = { state, changes: this.totalChanges.get() ?? 0, dataVersion };
    return true;
  }

  private forget(): void {
    if (this.sets.some((set) => set.kept)) this.counts.forgotten += 1;
    this.expansions.clear();
    this.dense.clear();
    for (const set of this.sets) {
      set.kept = false;
      set.ids = NO_IDS;
    }
  }

  /** The works a recorded change touched, or null when there are more than a patch rechecks. */
  private touchedWorks(delta: SearchDelta): number[] | null {
    const { patchMaxWorks, patchMinWorks } = this.options;
    const limit = Math.min(patchMaxWorks, Math.max(patchMinWorks, Math.ceil(this.workCount() / 100)));
    const ids = new Set(delta.works);
    for (let i = 0; i < delta.tasks.length && ids.size <= limit; i += 1000) {
      for (const id of this.worksOfTasks.all(JSON.stringify(delta.tasks.slice(i, i + 1000)))) ids.add(id);
    }
    return ids.size > limit ? null : [...ids];
  }

  /**
   * Matches the works a recorded change touched again, in the scratch index, and puts each one in or
   * out of every kept set, with its current duration. Expansions gain the new words that start with
   * their prefix (a word no longer indexed matches nothing: the OR stays right). False when there are
   * too many to patch.
   */
  private patch(delta: SearchDelta): boolean {
    const sets = this.sets.filter((set) => set.kept);
    const expansions = [...this.expansions].filter((entry): entry is [string, string[]] => entry[1] !== null);
    if (sets.length === 0 && expansions.length === 0) return false;
    const ids = this.touchedWorks(delta);
    if (ids === null) return false;
    const touched = JSON.stringify(ids);
    const touchedIds = Float64Array.from(ids);
    this.ownWrites(() =>
      this.scratch.with(touched, () => {
        for (const set of sets) {
          if (set.kind === 'set') {
            set.ids = replaceMembers(
              set.ids,
              touchedIds,
              Float64Array.from(this.scratch.matching(set.match)),
            );
            continue;
          }
          const table = sortedTable(set.slot);
          this.statement(`DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).run(touched);
          this.statement(
            `INSERT INTO ${table} (duration_ms, id) SELECT duration_ms, id FROM works
            WHERE id IN (SELECT rowid FROM temp.gallery_snippets WHERE gallery_snippets MATCH ?)`,
          ).run(set.match);
        }
        for (const [prefix, words] of expansions) {
          const all = new Set([...words, ...this.scratch.termsStartingWith(prefix)]);
          this.expansions.set(prefix, all.size > this.options.maxPrefixWords ? null : [...all].sort());
        }
      }),
    );
    if (sets.length > 0) this.counts.patched += 1;
    return true;
  }

  /** A `sorted` set's stored durations made those of the works again (they move on updates). */
  private checkDurations(set: MatchSet): void {
    const table = sortedTable(set.slot);
    const moved = this.statement(
      `SELECT s.id FROM ${table} s LEFT JOIN works w ON w.id = s.id WHERE w.duration_ms IS NOT s.duration_ms`,
    ).all();
    if (moved.length > 0) {
      const ids = JSON.stringify(moved.map((row) => row.id));
      this.ownWrites(() =>
        this.db.transaction(() => {
          this.statement(`DELETE FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).run(ids);
          this.statement(
            `INSERT INTO ${table} (duration_ms, id)
            SELECT duration_ms, id FROM works WHERE id IN (SELECT value FROM json_each(?))`,
          ).run(ids);
        })(),
      );
    }
    set.durationsChecked = true;
  }

  private statement(sql: string): Statement<unknown[], { id: number }> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
