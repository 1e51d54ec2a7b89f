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
import { FILE_SELECT, toFileRow } from './files';
import type { FileRow } from './files';
import type { GalleryQueries } from './gallery';
import { TASK_SELECT, toTaskSummary } from './tasks';
import type { TaskRow } from './tasks';

const FILE_STATES: FileState[] = ['pending', 'downloading', 'done', 'failed', 'missing'];

export class Reports {
  private readonly facetRows: Statement<[], { dimension: string; value: string; count: number }>;
  private readonly accounts: Statement<[], { id: number; email: string; label: string | null }>;
  private readonly taskOfWork: Statement<[string], TaskRow>;
  private readonly filesOfTask: Statement<[number], Parameters<typeof toFileRow>[0]>;
  private readonly siblings: Statement<[number], { work_id: string }>;
  private readonly taskCounts: Statement<[], { account_id: number; count: number }>;
  private readonly byteCounts: Statement<[], { account_id: number; bytes: number }>;
  private readonly fileStates: Statement<[], { state: FileState; count: number }>;

  constructor(
    db: Database,
    private readonly gallery: GalleryQueries,
  ) {
    this.facetRows = db.prepare('SELECT dimension, value, count FROM work_facets WHERE count > 0');
    this.accounts = db.prepare('SELECT id, email, label FROM accounts ORDER BY email');
    this.taskOfWork = db.prepare(`${TASK_SELECT} WHERE t.id = (SELECT task_id FROM works WHERE work_id = ?)`);
    this.filesOfTask = db.prepare(`${FILE_SELECT} WHERE f.task_id = ? ORDER BY f.id`);
    this.siblings = db.prepare('SELECT work_id FROM works WHERE task_id = ? ORDER BY id');
    this.taskCounts = db.prepare('SELECT account_id, count(*) AS count FROM tasks GROUP BY account_id');
    this.byteCounts = db.prepare(`SELECT t.account_id, sum(f.bytes) AS bytes
      FROM files f JOIN tasks t ON t.id = f.task_id WHERE f.state = 'done' GROUP BY t.account_id`);
    this.fileStates = db.prepare('SELECT state, count(*) AS count FROM files GROUP BY state');
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
    const sorted = (name: string) => (by.get(name) ?? []).sort((a, b) => b.count - a.count);
    return {
      total,
      favorites,
      accounts: sorted('account'),
      phases: sorted('phase'),
      contentTypes: sorted('content_type'),
      taskTypes: sorted('task_type'),
      modelVersions: sorted('model_version'),
    };
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

  stats(): LibraryStats {
    const facets = this.facetRows.all().filter((row) => row.dimension === 'account');
    const worksByAccount = new Map(facets.map((row) => [Number(row.value), row.count]));
    const tasksByAccount = new Map(this.taskCounts.all().map((row) => [row.account_id, row.count]));
    const bytesByAccount = new Map(this.byteCounts.all().map((row) => [row.account_id, row.bytes]));
    const files = Object.fromEntries(FILE_STATES.map((state) => [state, 0])) as Record<FileState, number>;
    for (const row of this.fileStates.all()) files[row.state] = row.count;
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
