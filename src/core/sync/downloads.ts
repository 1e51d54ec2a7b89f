// Downloads: claims queued files up to the concurrency, fetches each (resuming its .part), records
// the result, and plans retries with backoff. A full disk stops the queue until resumeDownloads; a
// move of a task's folder holds every start until it is done (see rehome.ts).
import { rmSync } from 'node:fs';
import type { FileRow } from '../library';
import { DEFAULT_MAX_BYTES, DownloadError, downloadFile, partPath, partStatePath } from './download';
import type { DownloadProgress, DownloadResult } from './download';
import { sourceFor, WatermarkFreeUnavailable } from './download-source';
import { DISK_FULL_MESSAGE, isDiskFullError } from './disk-full';
import type { EngineContext } from './engine-context';
import { DEFAULT_ENGINE_OPTIONS } from './options-from-settings';
import { backoffDelay } from './schedule';

/** A download under way: what it is for, how to stop it, and when it has let go of its file. */
interface DownloadJob {
  taskId: string;
  controller: AbortController;
  /** Set once started (in the map before, so the download sees itself there). */
  done?: Promise<void>;
}

const PROGRESS_WRITE_MS = 1_000;
const RETRY_CAP_MS = 60_000;
const ASKED_WAIT_CAP_MS = 60 * 60_000;

export class Downloads {
  private readonly jobs = new Map<number, DownloadJob>();
  private readonly retryTimers = new Map<number, unknown>();
  private paused: string | null = null;
  /** Moves of task folders under way: no download starts meanwhile (see rehome.ts). */
  private held = 0;

  constructor(private readonly ctx: EngineContext) {}

  /** Why the queue is stopped (a full disk), or null. */
  get pausedReason(): string | null {
    return this.paused;
  }

  /** The file failed and will be tried again when its timer fires. */
  retryPlanned(fileId: number): boolean {
    return this.retryTimers.has(fileId);
  }

  /** Starts queued files up to the concurrency in force. */
  pump(): void {
    if (!this.ctx.running || this.paused !== null || this.held > 0) return;
    const concurrency = this.ctx.options.downloadConcurrency ?? DEFAULT_ENGINE_OPTIONS.downloadConcurrency;
    const room = concurrency - this.jobs.size;
    if (room <= 0) return;
    let claimed: FileRow[];
    try {
      claimed = this.ctx.library.claimFiles(room);
    } catch (error) {
      this.onDiskFull(error);
      return;
    }
    for (const file of claimed) {
      const controller = new AbortController();
      const job: DownloadJob = { taskId: file.taskId, controller };
      this.jobs.set(file.id, job);
      job.done = this.downloadOne(file, controller)
        .catch((error: unknown) => this.onDiskFull(error))
        .finally(() => {
          this.jobs.delete(file.id);
          this.pump();
        });
    }
  }

  /** Stops every download (their .part files stay) and retry timer; resolves once all let go. */
  async stop(): Promise<void> {
    for (const timer of this.retryTimers.values()) this.ctx.clock.clearTimer(timer);
    this.retryTimers.clear();
    const stopping: Promise<void>[] = [];
    for (const job of this.jobs.values()) {
      job.controller.abort();
      if (job.done) stopping.push(job.done);
    }
    await Promise.allSettled(stopping);
  }

  /** Aborts the task's downloads (cancelled) without waiting for them. */
  abortTask(taskId: string): void {
    for (const job of this.jobs.values()) if (job.taskId === taskId) job.controller.abort();
  }

  /** Aborts the task's downloads and resolves once they have let go of their files. */
  async stopTask(taskId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const job of this.jobs.values()) {
      if (job.taskId !== taskId) continue;
      job.controller.abort();
      if (job.done) stopping.push(job.done);
    }
    await Promise.all(stopping);
  }

  /** Runs `work` once the task's downloads have stopped, with no download starting until it is done. */
  async withTaskStopped(taskId: string, work: () => void): Promise<void> {
    this.held += 1;
    try {
      await this.stopTask(taskId);
      work();
    } finally {
      this.held -= 1;
      this.pump();
    }
  }

  /** Fetches one library file again (the user asked: the only way an archived file is downloaded twice). */
  redownload(relativePath: string): boolean {
    const queued = this.ctx.store.redownload(relativePath, this.ctx.now());
    this.pump();
    return queued;
  }

  /** Resumes the queue after a disk-full pause. */
  resume(): void {
    if (this.paused === null) return;
    this.paused = null;
    this.requeueFailed(this.ctx.now());
    this.ctx.events.emit('downloads.paused', { reason: null });
    this.pump();
  }

  /**
   * Failed files back in the queue. While the settings still refuse the watermarked copy, refused
   * watermark-free copies stay failed but for one per account, which asks whether that changed.
   */
  requeueFailed(now: number): void {
    this.ctx.library.files.retryFailed(now);
    if (this.ctx.refusesWatermarked()) this.ctx.store.holdRefused(now);
  }

  /**
   * Makes the file rows follow `keepInputs`: off, input rows not archived are dropped (with their
   * .part files); on, every succeeded task without input rows gets them.
   */
  reconcileInputs(): void {
    if (this.ctx.options.keepInputs === false) {
      for (const dropped of this.ctx.store.dropUnarchivedInputs()) this.dropInput(dropped);
      return;
    }
    for (const taskId of this.ctx.store.tasksMissingInputs()) {
      try {
        this.ctx.library.createFileRows(taskId, { inputs: true });
      } catch {
        // A task whose files cannot be planned keeps what it has.
      }
    }
  }

  private dropInput(dropped: { id: number; relativePath: string }): void {
    const timer = this.retryTimers.get(dropped.id);
    if (timer !== undefined) this.ctx.clock.clearTimer(timer);
    this.retryTimers.delete(dropped.id);
    try {
      const destination = this.ctx.library.absolutePath(dropped.relativePath);
      rmSync(partPath(destination), { force: true });
      rmSync(partStatePath(destination), { force: true });
    } catch {
      // A path the library refuses was never written to; a leftover .part is harmless.
    }
  }

  /** The index could not be written for want of space: the queue stops with the reason; anything else throws. */
  private onDiskFull(error: unknown): void {
    if (!isDiskFullError(error)) throw error;
    if (this.paused !== null) return;
    this.paused = DISK_FULL_MESSAGE;
    this.ctx.events.emit('downloads.paused', { reason: DISK_FULL_MESSAGE });
  }

  private async downloadOne(file: FileRow, controller: AbortController): Promise<void> {
    const startedAt = this.ctx.now();
    let destination: string;
    try {
      destination = this.ctx.library.absolutePath(file.relativePath);
    } catch (error) {
      this.ctx.library.recordFileFailed(file.id, error instanceof Error ? error.message : String(error));
      this.emitFileFailed(file, 'refused: the path would leave the library', false);
      return;
    }
    const signal = AbortSignal.any([controller.signal, this.ctx.signal]);
    try {
      const email = this.ctx.library.task(file.taskId)?.email ?? null;
      const source = await sourceFor(this.ctx, file, email, signal, () => this.pump());
      if (!source.url) throw new DownloadError('unsafe_url', 'The file has no source URL');
      const result = await this.fetch(file, source.url, destination, signal);
      this.ctx.library.recordFileDone(file.id, result.bytes, result.sha256, source.copy);
      this.ctx.events.emit('file.archived', {
        taskId: file.taskId,
        workId: file.workId,
        relativePath: file.relativePath,
        kind: file.kind,
        bytes: result.bytes,
        sha256: result.sha256,
      });
    } catch (error) {
      this.onFailed(file, error, startedAt);
    }
  }

  /** Downloads the file to its place, reporting progress (and writing it to the index now and then). */
  private fetch(
    file: FileRow,
    url: string,
    destination: string,
    signal: AbortSignal,
  ): Promise<DownloadResult> {
    let lastProgressWrite = 0;
    const onProgress = (progress: DownloadProgress) => {
      const at = this.ctx.now();
      if (at - lastProgressWrite > PROGRESS_WRITE_MS) {
        lastProgressWrite = at;
        this.ctx.library.recordFileProgress(file.id, progress.bytesDone, progress.bytesTotal);
      }
      this.ctx.events.emit('download.progress', {
        taskId: file.taskId,
        relativePath: file.relativePath,
        kind: file.kind,
        bytesDone: progress.bytesDone,
        bytesTotal: progress.bytesTotal,
        bytesPerSecond: progress.bytesPerSecond,
      });
    };
    const { options } = this.ctx;
    return downloadFile({
      url,
      destination,
      signal,
      maxBytes: options.maxFileBytes ?? DEFAULT_MAX_BYTES,
      ...(options.downloadIdleTimeoutMs ? { idleTimeoutMs: options.downloadIdleTimeoutMs } : {}),
      progressIntervalMs: 250,
      onProgress,
    });
  }

  private onFailed(file: FileRow, error: unknown, startedAt: number): void {
    if (error instanceof WatermarkFreeUnavailable && error.refused) {
      // Asking again will not change it: failed at once, the attempt given back, no retry timer.
      this.ctx.store.fileRefused(file.id, error.message, this.ctx.now());
      this.emitFileFailed(file, error.message, false);
      return;
    }
    const failure =
      error instanceof DownloadError
        ? error
        : error instanceof WatermarkFreeUnavailable
          ? new DownloadError('network', error.message) // may pass: retried like a download
          : new DownloadError('file_system', error instanceof Error ? error.message : String(error));
    if (failure.code === 'aborted') {
      this.ctx.store.filePending(file.id, startedAt); // stopped, not failed: the .part resumes later
      return;
    }
    const willRetry = failure.retryable && file.attempts < (this.ctx.options.downloadAttempts ?? 5);
    this.ctx.library.recordFileFailed(
      file.id,
      failure.message,
      error instanceof WatermarkFreeUnavailable ? 'not_kept' : null,
    );
    // The retry timer exists before anyone hears of the failure, so that waiters see it as open.
    if (failure.code === 'disk_full') this.paused = failure.message;
    else if (willRetry) {
      const asked = error instanceof WatermarkFreeUnavailable ? (error.retryAfterMs ?? 0) : 0;
      this.scheduleRetry(file, asked);
    }
    this.emitFileFailed(file, failure.message, willRetry);
    if (failure.code === 'disk_full') this.ctx.events.emit('downloads.paused', { reason: failure.message });
  }

  /** The file goes back in the queue after a backoff (or the wait the service asked for, if longer). */
  private scheduleRetry(file: FileRow, askedMs: number): void {
    const backoff = backoffDelay(file.attempts, {
      ...this.ctx.policy,
      backoffBaseMs: this.ctx.options.downloadRetryBaseMs ?? 1_000,
      backoffCapMs: RETRY_CAP_MS,
    });
    const timer = this.ctx.clock.setTimer(
      () => {
        this.retryTimers.delete(file.id);
        this.ctx.store.filePending(file.id, this.ctx.now());
        this.ctx.quietChange();
        this.pump();
      },
      Math.min(Math.max(backoff, askedMs), ASKED_WAIT_CAP_MS),
    );
    this.retryTimers.set(file.id, timer);
  }

  private emitFileFailed(file: FileRow, message: string, willRetry: boolean): void {
    this.ctx.events.emit('file.failed', {
      taskId: file.taskId,
      relativePath: file.relativePath,
      kind: file.kind,
      message,
      willRetry,
    });
  }
}
