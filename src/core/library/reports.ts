// Read models for the UI besides the gallery: facets, a work's detail, library statistics.
import type { Database, Statement } from 'better-sqlite3';
import type {
  FacetValue,
  Facets,
  FileState,
  LibraryFile,
  LibraryStats,
  WorkDetail,
} from '../../shared/domain/library';
import { LISTED_FACETS } from '../../shared/domain/facets';
import { FILE_SELECT, toFileRow } from './files';
import type { FileRow } from './files';
import type { GalleryQueries } from './gallery';
import { TASK_SELECT, toTaskSummary } from './tasks';
import type { TaskRow } from './tasks';

const FILE_STATES: FileState[] = ['pending', 'downloading', 'done', 'failed', 'missing'];

/** Tasks above the counted mark beyond which stats() folds them into task_counts (a small write). */
export const TASK_COUNT_FOLD_AT = 1000;

export class Reports {
  private readonly facetRows: Statement<[], { dimension: string; value: string; count: number }>;
  private readonly accounts: Statement<[], { id: number; email: string; label: string | null }>;
  private readonly taskOfWork: Statement<[string], TaskRow>;
  private readonly filesOfTask: Statement<[number], Parameters<typeof toFileRow>[0]>;
  private readonly siblings: Statement<[number], { work_id: string }>;
  private readonly countedTasks: Statement<[], { account_id: number; count: number }>;
  private readonly countedUpTo: Statement<[], number>;
  private readonly newTasks: Statement<[number, number], { account_id: number; count: number }>;
  private readonly manyNewTasks: Statement<[number, number], { account_id: number; count: number }>;
  private readonly lastTask: Statement<[], number>;
  private readonly addCounted: Statement<[number, number]>;
  private readonly moveMark: Statement<[number]>;
  private readonly fileCounts: Statement<
    [],
    { account_id: number; state: FileState; files: number; bytes: number }
  >;

  constructor(
    private readonly db: Database,
    private readonly gallery: GalleryQueries,
  ) {
    this.facetRows = db.prepare('SELECT dimension, value, count FROM work_facets WHERE count > 0');
    this.accounts = db.prepare('SELECT id, email, label FROM accounts ORDER BY email');
    this.taskOfWork = db.prepare(`${TASK_SELECT} WHERE t.id = (SELECT task_id FROM works WHERE work_id = ?)`);
    this.filesOfTask = db.prepare(`${FILE_SELECT} WHERE f.task_id = ? ORDER BY f.id`);
    this.siblings = db.prepare('SELECT work_id FROM works WHERE task_id = ? ORDER BY id');
    // Counters of migration 6; tasks above the mark are counted here (a rowid range, new tasks only).
    this.countedTasks = db.prepare('SELECT account_id, tasks AS count FROM task_counts');
    this.countedUpTo = db.prepare('SELECT upto FROM task_counts_mark').pluck() as Statement<[], number>;
    this.newTasks = db.prepare(`SELECT account_id, count(*) AS count FROM tasks WHERE id > ? AND id <= ?
      GROUP BY account_id`);
    // Many new tasks (after a big sync): the narrow covering index, not the wide rows by rowid.
    this.manyNewTasks =
      db.prepare(`SELECT account_id, count(*) AS count FROM tasks INDEXED BY tasks_by_account
      WHERE id > ? AND id <= ? GROUP BY account_id`);
    this.lastTask = db.prepare('SELECT coalesce(max(id), 0) FROM tasks').pluck() as Statement<[], number>;
    this.addCounted = db.prepare(`INSERT INTO task_counts (account_id, tasks) VALUES (?, ?)
      ON CONFLICT (account_id) DO UPDATE SET tasks = tasks + excluded.tasks`);
    this.moveMark = db.prepare('UPDATE task_counts_mark SET upto = ?');
    this.fileCounts = db.prepare('SELECT account_id, state, files, bytes FROM file_counts');
  }

  /** Whole-library counts per filter value (kept by triggers, so this reads a few dozen rows). */
  facets(): Facets {
    const emails = new Map(this.accounts.all().map((row) => [String(row.id), row.email]));
    const by = new Map<string, FacetValue[]>();
    let total = 0;
    let favorites = 0;
    for (const row of this.facetRows.all()) {
      if (row.dimension === 'favorite') {
        total += row.count;
        if (row.value === '1') favorites = row.count;
        continue;
      }
      const value = row.dimension === 'account' ? (emails.get(row.value) ?? row.value) : row.value;
      const list = by.get(row.dimension) ?? [];
      list.push({ value, count: row.count });
      by.set(row.dimension, list);
    }
    const lists = Object.entries(LISTED_FACETS).map(([dimension, { list }]) => [
      list,
      (by.get(dimension) ?? []).sort((a, b) => b.count - a.count),
    ]);
    return { total, favorites, ...(Object.fromEntries(lists) as Omit<Facets, 'total' | 'favorites'>) };
  }

  workDetail(workId: string): WorkDetail | null {
    const work = this.gallery.item(workId);
    const task = this.taskOfWork.get(workId);
    if (!work || !task) return null;
    return {
      work,
      task: toTaskSummary(task),
      arguments: parseArguments(task.arguments),
      files: this.filesOfTask
        .all(task.id)
        .map(toFileRow)
        .filter((file) => file.workId === null || file.workId === workId)
        .map(toLibraryFile),
      siblingWorkIds: this.siblings
        .all(task.id)
        .map((row) => row.work_id)
        .filter((id) => id !== workId),
    };
  }

  /** Reads counters (migration 6): a few dozen rows, plus the tasks added since the last fold. */
  stats(): LibraryStats {
    const facets = this.facetRows.all().filter((row) => row.dimension === 'account');
    const worksByAccount = new Map(facets.map((row) => [Number(row.value), row.count]));
    const tasksByAccount = this.taskCounts();
    const bytesByAccount = new Map<number, number>();
    const files = Object.fromEntries(FILE_STATES.map((state) => [state, 0])) as Record<FileState, number>;
    for (const row of this.fileCounts.all()) {
      files[row.state] += row.files;
      if (row.state === 'done')
        bytesByAccount.set(row.account_id, (bytesByAccount.get(row.account_id) ?? 0) + row.bytes);
    }
    const accounts = this.accounts.all().map((account) => ({
      email: account.email,
      label: account.label,
      tasks: tasksByAccount.get(account.id) ?? 0,
      works: worksByAccount.get(account.id) ?? 0,
      bytes: bytesByAccount.get(account.id) ?? 0,
    }));
    return {
      tasks: accounts.reduce((sum, a) => sum + a.tasks, 0),
      works: accounts.reduce((sum, a) => sum + a.works, 0),
      bytes: accounts.reduce((sum, a) => sum + a.bytes, 0),
      files,
      accounts,
    };
  }

  /**
   * Tasks per account: the counted ones plus those above the mark (ingest allocates rowids upwards).
   * Past TASK_COUNT_FOLD_AT new rowids they are folded into the counters, outside any caller's
   * transaction, so that this stays a short range scan after a big sync too.
   */
  private taskCounts(): Map<number, number> {
    let upto = this.countedUpTo.get() ?? 0;
    let last = this.lastTask.get() ?? 0;
    // Rowids only grow, so last - upto bounds the number of new tasks without counting them.
    const many = last - upto > TASK_COUNT_FOLD_AT;
    if (many && !this.db.inTransaction) {
      this.db.transaction(() => {
        for (const row of this.manyNewTasks.all(upto, last)) this.addCounted.run(row.account_id, row.count);
        this.moveMark.run(last);
      })();
      upto = last = this.lastTask.get() ?? 0;
    }
    const counts = new Map(this.countedTasks.all().map((row) => [row.account_id, row.count]));
    for (const row of (many && upto < last ? this.manyNewTasks : this.newTasks).all(upto, last))
      counts.set(row.account_id, (counts.get(row.account_id) ?? 0) + row.count);
    return counts;
  }
}

function toLibraryFile(file: FileRow): LibraryFile {
  return {
    kind: file.kind,
    workId: file.workId,
    relativePath: file.relativePath,
    sourceUrl: file.sourceUrl,
    state: file.state,
    bytes: file.bytes,
    bytesDone: file.bytesDone,
    sha256: file.sha256,
    error: file.error,
    // What is at the path now: a file queued again, or found missing, is not that copy any more.
    copy: file.state === 'done' ? file.copy : null,
  };
}

function parseArguments(text: string | null): Array<{ name: string; value: string | null }> {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value
      .filter((arg): arg is { name: string; value: unknown } => typeof arg?.name === 'string')
      .map((arg) => ({ name: arg.name, value: typeof arg.value === 'string' ? arg.value : null }));
  } catch {
    return [];
  }
}
