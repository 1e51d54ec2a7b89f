// The download bookkeeping the sync engine drives: which files each finished task should have,
// claiming them, progress, done and failure. Paths are decided here (from paths.ts), never by callers.
import type { Database, Statement } from 'better-sqlite3';
import type { FileCopy, FileKind, FileState } from '../../shared/domain/library';
import {
  coverFileName,
  extensionFromUrl,
  inputFileName,
  mediaFileName,
  resolveInside,
  taskFolder,
} from './paths';

/**
 * Why a failed media file waits (`files.hold`, version 11), while the settings ask for the
 * watermark-free copy and do not keep the watermarked one instead: `refused` (asking again will not
 * change the answer until the plan does) or `not_kept` (it could not be had this time). Null: an
 * ordinary failure, or not failed. The error text says the same for people; code reads this.
 */
export const FILE_HOLDS = ['refused', 'not_kept'] as const;
export type FileHold = (typeof FILE_HOLDS)[number];

export interface FileRow {
  id: number;
  taskId: string;
  workId: string | null;
  kind: FileKind;
  sourceUrl: string | null;
  relativePath: string;
  bytes: number | null;
  bytesDone: number;
  sha256: string | null;
  state: FileState;
  error: string | null;
  attempts: number;
  /** Which copy the archived file is (set when recorded done); null when unknown. */
  copy: FileCopy | null;
}

interface RawFileRow {
  id: number;
  task_id: string;
  work_id: string | null;
  kind: FileKind;
  source_url: string | null;
  rel_path: string;
  bytes: number | null;
  bytes_done: number;
  sha256: string | null;
  state: FileState;
  error: string | null;
  attempts: number;
  copy: FileCopy | null;
}

export const FILE_SELECT = `SELECT f.id, t.task_id, w.work_id, f.kind, f.source_url, f.rel_path, f.bytes, f.bytes_done,
    f.sha256, f.state, f.error, f.attempts, f.copy
  FROM files f JOIN tasks t ON t.id = f.task_id LEFT JOIN works w ON w.id = f.work_id`;

export const toFileRow = (row: RawFileRow): FileRow => ({
  id: row.id,
  taskId: row.task_id,
  workId: row.work_id,
  kind: row.kind,
  sourceUrl: row.source_url,
  relativePath: row.rel_path,
  bytes: row.bytes,
  bytesDone: row.bytes_done,
  sha256: row.sha256,
  state: row.state,
  error: row.error,
  attempts: row.attempts,
  copy: row.copy,
});

interface PlanTaskRow {
  id: number;
  task_id: string;
  email: string;
  created_at: number | null;
  phase: string;
  input_urls: string | null;
}

interface PlanWorkRow {
  id: number;
  work_id: string;
  content_type: string | null;
  result_url: string | null;
  cover_url: string | null;
}

/** A file the library expects for a task: where it goes and where it comes from. */
export interface PlannedFile {
  workRowId: number | null;
  kind: FileKind;
  sourceUrl: string | null;
  relativePath: string;
}

export interface CreateFilesOptions {
  /** Plan the task's input images too (default true). */
  inputs?: boolean;
}

export class FileStore {
  private readonly planTask: Statement<[string], PlanTaskRow>;
  private readonly planWorks: Statement<[number], PlanWorkRow>;
  private readonly insertFile: Statement<Record<string, unknown>>;
  private readonly refreshSource: Statement<{ url: string | null; path: string }>;
  private readonly byTask: Statement<[string], RawFileRow>;
  private readonly byId: Statement<[number], RawFileRow>;
  private readonly toClaim: Statement<[number], { id: number }>;
  private readonly claimOne: Statement<[number, number]>;
  private readonly progress: Statement<[number, number | null, number, number]>;
  private readonly done: Statement<{
    bytes: number;
    sha: string;
    copy: FileCopy | null;
    now: number;
    id: number;
  }>;
  private readonly failed: Statement<[string, FileHold | null, number, number]>;
  private readonly missing: Statement<[string, number, number]>;
  private readonly retry: Statement<[number]>;
  private readonly interrupted: Statement<[number]>;

  constructor(
    private readonly db: Database,
    private readonly root: string,
  ) {
    this.planTask = db.prepare(`SELECT t.id, t.task_id, a.email, t.created_at, t.phase, t.input_urls
      FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE t.task_id = ?`);
    this.planWorks = db.prepare(
      'SELECT id, work_id, content_type, result_url, cover_url FROM works WHERE task_id = ? ORDER BY id',
    );
    this.insertFile = db.prepare(`INSERT INTO files (task_id, work_id, kind, source_url, rel_path, updated_at)
      VALUES (@task_id, @work_id, @kind, @source_url, @rel_path, @now) ON CONFLICT(rel_path) DO NOTHING`);
    // A later poll may carry a fresh URL; only files not yet fetched take it.
    this.refreshSource = db.prepare(
      `UPDATE files SET source_url = @url WHERE rel_path = @path AND state <> 'done' AND source_url IS NOT @url`,
    );
    this.byTask = db.prepare(`${FILE_SELECT} WHERE t.task_id = ? ORDER BY f.id`);
    this.byId = db.prepare(`${FILE_SELECT} WHERE f.id = ?`);
    this.toClaim = db.prepare(`SELECT id FROM files WHERE state IN ('pending','missing')
      AND source_url IS NOT NULL ORDER BY state DESC, id LIMIT ?`);
    this.claimOne = db.prepare(
      `UPDATE files SET state = 'downloading', attempts = attempts + 1, error = NULL, hold = NULL, updated_at = ?
      WHERE id = ?`,
    );
    this.progress = db.prepare(
      'UPDATE files SET bytes_done = ?, bytes = coalesce(?, bytes), updated_at = ? WHERE id = ?',
    );
    this.done =
      db.prepare(`UPDATE files SET state = 'done', bytes = @bytes, bytes_done = @bytes, sha256 = @sha,
      copy = CASE WHEN kind IN ('video','image') THEN @copy END, error = NULL, hold = NULL, updated_at = @now
      WHERE id = @id`);
    this.failed = db.prepare(`UPDATE files SET state = 'failed', error = ?, hold = ?, updated_at = ?
      WHERE id = ?`);
    this.missing = db.prepare(`UPDATE files SET state = 'missing', error = ?, hold = NULL, bytes_done = 0,
      updated_at = ? WHERE id = ?`);
    // The hold stays: SyncState.holdRefused reads it right after (the claim clears it).
    this.retry = db.prepare(`UPDATE files SET state = 'pending', updated_at = ? WHERE state = 'failed'`);
    this.interrupted = db.prepare(
      `UPDATE files SET state = 'pending', updated_at = ? WHERE state = 'downloading'`,
    );
  }

  /** The files a task should have, with their library-relative paths (no rows written). */
  plan(taskId: string): PlannedFile[] {
    const task = this.planTask.get(taskId);
    if (!task) return [];
    const folder = taskFolder(task.email, task.created_at, task.task_id);
    const planned: PlannedFile[] = [];
    for (const work of this.planWorks.all(task.id)) {
      const isImage = work.content_type === 'image';
      if (work.result_url) {
        const ext = extensionFromUrl(work.result_url, isImage ? 'png' : 'mp4');
        planned.push({
          workRowId: work.id,
          kind: isImage ? 'image' : 'video',
          sourceUrl: work.result_url,
          relativePath: `${folder}/${mediaFileName(work.work_id, ext)}`,
        });
      }
      if (work.cover_url && !isImage) {
        planned.push({
          workRowId: work.id,
          kind: 'cover',
          sourceUrl: work.cover_url,
          relativePath: `${folder}/${coverFileName(work.work_id)}`,
        });
      }
    }
    const inputs = parseUrlList(task.input_urls);
    inputs.forEach((url, index) => {
      planned.push({
        workRowId: null,
        kind: 'input',
        sourceUrl: url,
        relativePath: `${folder}/${inputFileName(index, extensionFromUrl(url, 'jpg'))}`,
      });
    });
    for (const file of planned) resolveInside(this.root, file.relativePath); // refuse before recording
    return planned;
  }

  /**
   * Creates the pending file rows of a succeeded task (idempotent); returns all its file rows.
   * `inputs: false` leaves the input images out (the settings' downloads.keepInputs); a later call
   * with inputs adds them.
   */
  createForTask(taskId: string, now: number, options: CreateFilesOptions = {}): FileRow[] {
    const task = this.planTask.get(taskId);
    if (!task) throw new Error(`unknown task ${taskId}`);
    if (task.phase !== 'succeeded') return this.forTask(taskId);
    const planned = this.plan(taskId).filter((file) => options.inputs !== false || file.kind !== 'input');
    this.db.transaction(() => {
      for (const file of planned) {
        this.insertFile.run({
          task_id: task.id,
          work_id: file.workRowId,
          kind: file.kind,
          source_url: file.sourceUrl,
          rel_path: file.relativePath,
          now,
        });
        this.refreshSource.run({ url: file.sourceUrl, path: file.relativePath });
      }
    })();
    return this.forTask(taskId);
  }

  forTask(taskId: string): FileRow[] {
    return this.byTask.all(taskId).map(toFileRow);
  }

  get(fileId: number): FileRow | null {
    const row = this.byId.get(fileId);
    return row ? toFileRow(row) : null;
  }

  /** Marks up to `limit` pending or missing files as downloading and returns them. */
  claim(limit: number, now: number): FileRow[] {
    return this.db.transaction(() => {
      const ids = this.toClaim.all(limit).map((row) => row.id);
      for (const id of ids) this.claimOne.run(now, id);
      return ids.map((id) => this.get(id)).filter((row): row is FileRow => row !== null);
    })();
  }

  recordProgress(fileId: number, bytesDone: number, totalBytes: number | null, now: number): void {
    this.progress.run(bytesDone, totalBytes, now, fileId);
  }

  /**
   * A file is archived. `copy` says which copy it is (see FileCopy); null when unknown, as for a
   * file found on disk by a rebuild. Each call replaces the previous value (a re-download). Only
   * media files (video, image) keep it: covers and inputs are always unknown.
   */
  recordDone(fileId: number, bytes: number, sha256: string, copy: FileCopy | null, now: number): void {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    this.done.run({ bytes, sha: sha256, copy, now, id: fileId });
  }

  /** `hold`: why it waits, when that is the settings' refusal of the watermarked copy (see FileHold). */
  recordFailed(fileId: number, error: string, now: number, hold: FileHold | null = null): void {
    this.failed.run(error, hold, now, fileId);
  }

  recordMissing(fileId: number, reason: string, now: number): void {
    this.missing.run(reason, now, fileId);
  }

  /** Puts failed files back in the queue; returns how many. */
  retryFailed(now: number): number {
    return this.retry.run(now).changes;
  }

  /** After a crash or restart: downloads that were running start again. */
  resetInterrupted(now: number): number {
    return this.interrupted.run(now).changes;
  }

  absolutePath(relativePath: string): string {
    return resolveInside(this.root, relativePath);
  }
}

export function parseUrlList(text: string | null): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
