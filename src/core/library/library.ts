// The library: one folder on disk, its SQLite index, and every operation the app and the sync
// engine perform on them. Statements are prepared once, in the stores this class holds.
import type { Database, Statement } from 'better-sqlite3';
import type {
  Facets,
  FileCopy,
  GalleryCounts,
  GalleryCountsQuery,
  GalleryPage,
  GalleryQuery,
  GallerySeek,
  LibraryStats,
  TaskListPage,
  TaskListQuery,
  WorkDetail,
} from '../../shared/domain/library';
import { watchCorruption } from './corruption';
import { openDatabase } from './database';
import { FileStore } from './files';
import type { CreateFilesOptions, FileHold, FileRow } from './files';
import { GalleryQueries } from './gallery';
import type { GalleryOptions } from './gallery-options';
import { GalleryCountQueries } from './gallery-counts';
import { Ingestor } from './ingest';
import type { IngestResult, SnapshotInput } from './ingest';
import { LibraryJournal } from './journal';
import { backupDir, indexPath } from './paths';
import { TaskRemoval } from './removal';
import { SearchChangeFeed, recordedWrite, searchStateStatement } from './search-changes';
import type { RemovedTask } from './removal';
import { Reports } from './reports';
import { writeAccountSidecar, writeTaskSidecar } from './sidecar';
import { WalCheckpointer } from './wal-checkpointer';
import { TaskAccounts } from './task-accounts';
import type { TaskMove } from './task-accounts';
import { SyncState } from './sync-state';
import { WatchStateStore } from './watch-state';
import { TaskStore } from './tasks';
import type { PollUpdate, TaskRow, TaskStateUpdate } from './tasks';

export interface LibraryOptions {
  /** Clock, for tests. */
  now?: () => number;
  /** Write task.json / account.json beside the media after each ingest (default true). */
  sidecars?: boolean;
  /**
   * Note favorites, removals and added ids in the library's journal too, so that a rebuild keeps
   * them (default true; off while a rebuild replays the journal).
   */
  journal?: boolean;
  /** Called once, with the error, when any statement meets a damaged index (see heal.ts). */
  onCorruption?: (error: Error) => void;
  /** The gallery's tuning (tests: small values reach every way of reading a page). */
  gallery?: Partial<GalleryOptions>;
}

export interface IngestOptions {
  /** Override the library's `sidecars` option for this call. */
  sidecars?: boolean;
}

export class Library {
  readonly root: string;
  readonly db: Database;
  private readonly now: () => number;
  private readonly sidecars: boolean;
  private readonly ingestor: Ingestor;
  private readonly galleryQueries: GalleryQueries;
  private readonly galleryCountQueries: GalleryCountQueries;
  private readonly reports: Reports;
  private readonly removal: TaskRemoval;
  readonly tasks: TaskStore;
  readonly files: FileStore;
  /** Which account each task is filed under: owners to find, moves between accounts. */
  readonly taskAccounts: TaskAccounts;
  /** The sync engine's own state and its transitions of tasks and files (see sync-state.ts). */
  readonly syncState: SyncState;
  /** What the watcher knows of each watched account (see watch-state.ts). */
  readonly watchState: WatchStateStore;
  private readonly sidecarSource: Statement<
    [string],
    { email: string; label: string | null; created_at: number | null; raw: string }
  >;
  private readonly setLabel: Statement<[string | null, string]>;
  private readonly setFavoriteStatement: Statement<[number, string]>;
  private readonly accountsWithSidecar = new Set<string>();
  /** Null when journaling is off. */
  readonly journal: LibraryJournal | null;
  /** The first corruption error a statement raised, if any: the index must be rebuilt. */
  damaged: Error | null = null;
  private closed = false;
  /** Started by the first ingest: the bulk writer is who waits on inline checkpoints. */
  private checkpointer: WalCheckpointer | null = null;
  /** What this library's writes do to the text index, for its gallery (see search-changes.ts). */
  private readonly searchChanges = new SearchChangeFeed();
  private readonly searchState: () => string;

  constructor(root: string, db: Database, options: LibraryOptions = {}) {
    this.root = root;
    this.db = db;
    this.now = options.now ?? Date.now;
    this.sidecars = options.sidecars ?? true;
    this.journal = options.journal === false ? null : new LibraryJournal(root);
    this.searchState = searchStateStatement(db);
    this.ingestor = new Ingestor(db);
    this.galleryQueries = new GalleryQueries(db, this.searchChanges, options.gallery);
    this.reports = new Reports(db, this.galleryQueries);
    this.galleryCountQueries = new GalleryCountQueries(db, (text) => this.galleryQueries.textMatch(text));
    this.removal = new TaskRemoval(root, db, (write, removedWorks) =>
      recordedWrite(db, this.searchChanges, this.searchState, write, () => ({
        tasks: [],
        works: removedWorks(),
      })),
    );
    this.tasks = new TaskStore(db);
    this.files = new FileStore(db, root);
    this.taskAccounts = new TaskAccounts(root, db);
    this.syncState = new SyncState(db);
    this.watchState = new WatchStateStore(db);
    this.sidecarSource = db.prepare(`SELECT a.email, a.label, t.created_at, s.raw
      FROM tasks t JOIN accounts a ON a.id = t.account_id JOIN task_snapshots s ON s.task_id = t.id
      WHERE t.task_id = ?`);
    this.setLabel = db.prepare('UPDATE accounts SET label = ? WHERE email = ?');
    this.setFavoriteStatement = db.prepare('UPDATE works SET favorite = ? WHERE work_id = ?');
  }

  close(): void {
    // Twice is harmless (a heal closes a library its caller closes again).
    if (this.closed) return;
    this.closed = true;
    // Its connection first: the writer's close is then the last one, which checkpoints and removes the WAL.
    this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  // ── accounts ──────────────────────────────────────────────────────────────────────────────

  upsertAccount(email: string, label: string | null = null): void {
    this.db.transaction(() => {
      this.ingestor.accountId(email);
      if (label !== null) this.setLabel.run(label, email);
    })();
  }

  // ── ingest ────────────────────────────────────────────────────────────────────────────────

  /** One task snapshot, in one transaction. */
  ingest(input: SnapshotInput, options: IngestOptions = {}): IngestResult {
    return this.ingestMany([input], options)[0] as IngestResult;
  }

  /** Thousands of snapshots in one transaction: all applied, or (on a crash) none. */
  ingestMany(inputs: readonly SnapshotInput[], options: IngestOptions = {}): IngestResult[] {
    const now = this.now();
    this.checkpointer ??= new WalCheckpointer(this.db);
    let results: IngestResult[];
    try {
      // The tasks inserted or updated are those whose works may have changed (new works, new text,
      // new durations): the gallery rechecks their works against its kept match sets.
      results = recordedWrite(
        this.db,
        this.searchChanges,
        this.searchState,
        () => this.ingestor.ingestBatch(inputs, now),
        (done) => ({ tasks: changedTaskIds(done), works: [] }),
      );
    } catch (error) {
      this.ingestor.resetCache();
      throw error;
    }
    this.checkpointer.nudge();
    if (options.sidecars ?? this.sidecars) {
      for (const taskId of changedTaskIds(results)) this.writeSidecar(taskId);
    }
    return results;
  }

  /** Records a task id to poll (typed by the user); false when it was already known. */
  addPendingTask(account: string, taskId: string): boolean {
    const now = this.now();
    const added = this.db.transaction(() => this.ingestor.addPending(account, taskId, now))();
    if (added) this.journal?.append({ op: 'add', taskId, account, at: now });
    return added;
  }

  /**
   * Files a task under another account: its folder moves on disk and its rows follow (see
   * TaskAccounts.move); task.json and the new account's account.json are written again. Null when
   * the task is unknown or already filed there.
   */
  moveTaskToAccount(taskId: string, email: string): TaskMove | null {
    const moved = this.taskAccounts.move(taskId, email);
    if (moved && this.sidecars) this.writeSidecar(taskId);
    return moved;
  }

  /** (Re)writes a task's task.json from the stored raw response; null when no snapshot exists yet. */
  writeSidecar(taskId: string): string | null {
    const source = this.sidecarSource.get(taskId);
    if (!source) return null;
    if (!this.accountsWithSidecar.has(source.email)) {
      writeAccountSidecar(this.root, source.email, source.label);
      this.accountsWithSidecar.add(source.email);
    }
    return writeTaskSidecar(this.root, source.email, source.created_at, taskId, source.raw);
  }

  // ── the sync engine's side ────────────────────────────────────────────────────────────────

  task(taskId: string): TaskRow | null {
    return this.tasks.get(taskId);
  }

  /** The task's works' ids (exact text), oldest first. */
  taskWorkIds(taskId: string): string[] {
    return this.tasks.workIds(taskId);
  }

  updatePolling(taskId: string, update: PollUpdate): boolean {
    return this.tasks.updatePolling(taskId, update);
  }

  updateTaskState(taskId: string, update: TaskStateUpdate): boolean {
    return this.tasks.updateState(taskId, update);
  }

  createFileRows(taskId: string, options: CreateFilesOptions = {}): FileRow[] {
    return this.files.createForTask(taskId, this.now(), options);
  }

  claimFiles(limit: number): FileRow[] {
    return this.files.claim(limit, this.now());
  }

  recordFileProgress(fileId: number, bytesDone: number, totalBytes: number | null = null): void {
    this.files.recordProgress(fileId, bytesDone, totalBytes, this.now());
  }

  /** `copy`: which copy was downloaded (media files only; see FileCopy); null when unknown. */
  recordFileDone(fileId: number, bytes: number, sha256: string, copy: FileCopy | null): void {
    this.files.recordDone(fileId, bytes, sha256, copy, this.now());
  }

  /** `hold`: why it waits, when that is the settings' refusal of the watermarked copy (see FileHold). */
  recordFileFailed(fileId: number, error: string, hold: FileHold | null = null): void {
    this.files.recordFailed(fileId, error, this.now(), hold);
  }

  /** Absolute path of a library-relative path, refused if it would leave the library. */
  absolutePath(relativePath: string): string {
    return this.files.absolutePath(relativePath);
  }

  // ── the UI's side ─────────────────────────────────────────────────────────────────────────

  gallery(query: GalleryQuery = {}): GalleryPage {
    return this.galleryQueries.page(query);
  }

  /** The cursor of the gallery page that starts at `position` of the query's order (a jump). */
  gallerySeek(query: Omit<GalleryQuery, 'cursor' | 'limit'>, position: number): GallerySeek {
    return this.galleryQueries.seek(query, position);
  }

  /** How many works a gallery query shows in each account. */
  galleryCounts(query: GalleryCountsQuery = {}): GalleryCounts {
    return this.galleryCountQueries.counts(query);
  }

  /** Text + "longest" match sets built, patched and forgotten so far (tests, benchmarks). */
  gallerySetCounts(): Readonly<{ built: number; patched: number; forgotten: number }> {
    return { ...this.galleryQueries.matchSetCounts };
  }

  facets(): Facets {
    return this.reports.facets();
  }

  workDetail(workId: string): WorkDetail | null {
    return this.reports.workDetail(workId);
  }

  taskList(query: TaskListQuery = {}): TaskListPage {
    return this.tasks.list(query);
  }

  stats(): LibraryStats {
    return this.reports.stats();
  }

  setFavorite(workId: string, favorite: boolean): boolean {
    const known = this.setFavoriteStatement.run(favorite ? 1 : 0, workId).changes > 0;
    if (known) this.journal?.append({ op: 'favorite', workId, favorite });
    return known;
  }

  /**
   * Deletes a task's files and its rows, and remembers that it was removed (until its id is added
   * again); null when the library has no such task.
   */
  removeTask(taskId: string): RemovedTask | null {
    const now = this.now();
    const account = this.tasks.get(taskId)?.email ?? null;
    const removed = this.removal.remove(taskId, now);
    if (removed) this.journal?.append({ op: 'remove', taskId, account, at: now });
    return removed;
  }
}

/** The tasks an ingest inserted or updated: their sidecars are rewritten, their works rechecked. */
function changedTaskIds(results: readonly IngestResult[]): string[] {
  return results.flatMap((result) =>
    result.taskId && (result.outcome === 'inserted' || result.outcome === 'updated') ? [result.taskId] : [],
  );
}

/** Opens (creating or migrating) the library in `folder`. */
export function openLibrary(folder: string, options: LibraryOptions = {}): Library {
  const db = openDatabase(indexPath(folder), { backupDir: backupDir(folder) });
  const holder: { library?: Library } = {};
  const watched = watchCorruption(db, (error) => {
    const library = holder.library;
    if (!library) return;
    library.damaged ??= error;
    options.onCorruption?.(error);
  });
  holder.library = new Library(folder, watched, options);
  return holder.library;
}
