// The engine's own persisted state, beside the library's tables in the same database: 404 counts,
// when a task was first followed, tasks given up, accounts paused (with a fingerprint of the token
// that was refused, never the token). Tables are created on first use (IF NOT EXISTS), so the
// library's migrations stay the library's.
import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';

export type GiveUpReason = 'stale' | 'cancelled';

export interface DueRow {
  taskId: string;
  account: string;
  nextPollAt: number;
  attempts: number;
  createdAt: number | null;
}

export const tokenFingerprint = (token: string) =>
  createHash('sha256').update(token).digest('hex').slice(0, 16);

/**
 * How the error of a media file begins when /assets/download refused its watermark-free copy and the
 * settings do not keep the watermarked one (see SyncEngineOptions.fallbackToWatermarked).
 */
export const REFUSED_PREFIX = 'watermark-free copy refused';
/** How every such error ends (refused, or not available after the retries). */
export const NOT_KEPT_SUFFIX = 'the watermarked copy is not kept, as the settings ask';

const REFUSED_LIKE = `${REFUSED_PREFIX}%`;
const NOT_KEPT_LIKE = `%${NOT_KEPT_SUFFIX}`;

export class SyncStore {
  private readonly getState: Statement<
    [string],
    { not_found: number; first_seen_at: number; given_up: string | null }
  >;
  private readonly touchState: Statement<[string, number]>;
  private readonly setNotFound: Statement<[number, string]>;
  private readonly setGivenUp: Statement<[string | null, string]>;
  private readonly deleteState: Statement<[string]>;
  private readonly getPause: Statement<[string], { reason: string; token_hash: string }>;
  private readonly setPause: Statement<[string, string, string]>;
  private readonly clearPause: Statement<[string]>;
  private readonly fileToPending: Statement<[number, number]>;
  private readonly taskFilesToPending: Statement<[number, string]>;
  private readonly taskFilesCancel: Statement<[number, string]>;
  private readonly fileByPath: Statement<[string], { id: number }>;
  private readonly pathToPending: Statement<[number, string]>;
  private readonly fileRefusal: Statement<[string, number, number]>;
  private readonly refusedHold: Statement<{ now: number; like: string }>;
  private readonly refusedOfAccount: Statement<{ now: number; like: string; email: string }>;
  private readonly notKeptToPending: Statement<{ now: number; like: string }>;
  private readonly dropInputs: Statement<[], { id: number; rel_path: string }>;
  private readonly tasksLackingInputs: Statement<[], { task_id: string }>;
  private readonly staleWithin: Statement<[number], { task_id: string }>;
  private readonly pullForward: Statement<{ latest: number; spread: number }>;

  constructor(private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS sync_task_state (
        task_id TEXT PRIMARY KEY,
        first_seen_at INTEGER NOT NULL,
        not_found INTEGER NOT NULL DEFAULT 0,
        given_up TEXT
      );
      CREATE TABLE IF NOT EXISTS sync_account_pause (
        email TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        token_hash TEXT NOT NULL
      );
    `);
    this.getState = db.prepare(
      'SELECT not_found, first_seen_at, given_up FROM sync_task_state WHERE task_id = ?',
    );
    this.touchState = db.prepare(
      'INSERT INTO sync_task_state (task_id, first_seen_at) VALUES (?, ?) ON CONFLICT(task_id) DO NOTHING',
    );
    this.setNotFound = db.prepare('UPDATE sync_task_state SET not_found = ? WHERE task_id = ?');
    this.setGivenUp = db.prepare('UPDATE sync_task_state SET given_up = ? WHERE task_id = ?');
    this.deleteState = db.prepare('DELETE FROM sync_task_state WHERE task_id = ?');
    this.getPause = db.prepare('SELECT reason, token_hash FROM sync_account_pause WHERE email = ?');
    this.setPause = db.prepare(`INSERT INTO sync_account_pause (email, reason, token_hash) VALUES (?, ?, ?)
      ON CONFLICT(email) DO UPDATE SET reason = excluded.reason, token_hash = excluded.token_hash`);
    this.clearPause = db.prepare('DELETE FROM sync_account_pause WHERE email = ?');
    this.fileToPending = db.prepare(
      "UPDATE files SET state = 'pending', updated_at = ? WHERE id = ? AND state IN ('failed','downloading')",
    );
    this.taskFilesToPending = db.prepare(`UPDATE files SET state = 'pending', error = NULL, updated_at = ?
      WHERE state = 'failed' AND task_id = (SELECT id FROM tasks WHERE task_id = ?)`);
    this.taskFilesCancel = db.prepare(`UPDATE files SET state = 'failed', error = 'cancelled', updated_at = ?
      WHERE state IN ('pending','missing') AND task_id = (SELECT id FROM tasks WHERE task_id = ?)`);
    this.fileByPath = db.prepare('SELECT id FROM files WHERE rel_path = ?');
    this.pathToPending = db.prepare(
      "UPDATE files SET state = 'pending', error = NULL, updated_at = ? WHERE rel_path = ? AND state <> 'downloading'",
    );
    // The claim counted an attempt; a refusal gives it back (asking again would not change it).
    this.fileRefusal = db.prepare(`UPDATE files SET state = 'failed', error = ?, updated_at = ?,
      attempts = max(attempts - 1, 0) WHERE id = ?`);
    // After FileStore.retryFailed: refused files go back to failed, but for one per account (a probe).
    this.refusedHold = db.prepare(`UPDATE files SET state = 'failed', updated_at = @now
      WHERE state = 'pending' AND error LIKE @like AND id NOT IN (
        SELECT min(f.id) FROM files f JOIN tasks t ON t.id = f.task_id
        WHERE f.state = 'pending' AND f.error LIKE @like GROUP BY t.account_id)`);
    this.refusedOfAccount = db.prepare(`UPDATE files SET state = 'pending', error = NULL, updated_at = @now
      WHERE state = 'failed' AND error LIKE @like AND task_id IN (
        SELECT t.id FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE a.email = @email)`);
    this.notKeptToPending = db.prepare(`UPDATE files SET state = 'pending', error = NULL, updated_at = @now
      WHERE state = 'failed' AND error LIKE @like`);
    this.dropInputs = db.prepare(`DELETE FROM files WHERE kind = 'input'
      AND state IN ('pending','failed','missing') RETURNING id, rel_path`);
    this.tasksLackingInputs = db.prepare(`SELECT t.task_id FROM tasks t
      WHERE t.phase = 'succeeded' AND t.input_urls IS NOT NULL AND t.input_urls <> '[]'
        AND NOT EXISTS (SELECT 1 FROM files f WHERE f.task_id = t.id AND f.kind = 'input')
        AND NOT EXISTS (SELECT 1 FROM sync_task_state s WHERE s.task_id = t.task_id AND s.given_up = 'cancelled')
      ORDER BY t.id`);
    this.staleWithin =
      db.prepare(`SELECT t.task_id FROM tasks t JOIN sync_task_state s ON s.task_id = t.task_id
      WHERE t.final = 0 AND s.given_up = 'stale' AND coalesce(t.created_at, s.first_seen_at) >= ?`);
    this.pullForward = db.prepare(`UPDATE tasks
      SET next_poll_at = min(next_poll_at, @latest + (random() & 2147483647) % @spread)
      WHERE final = 0 AND attempts = 0 AND next_poll_at > @latest`);
  }

  /** Records when the engine first followed a task (for the stale cutoff of tasks without a creation time). */
  firstSeen(taskId: string, now: number): number {
    this.touchState.run(taskId, now);
    return this.getState.get(taskId)?.first_seen_at ?? now;
  }

  notFoundCount(taskId: string): number {
    return this.getState.get(taskId)?.not_found ?? 0;
  }

  setNotFoundCount(taskId: string, count: number, now: number): void {
    this.touchState.run(taskId, now);
    this.setNotFound.run(count, taskId);
  }

  givenUp(taskId: string): GiveUpReason | null {
    return (this.getState.get(taskId)?.given_up as GiveUpReason | null | undefined) ?? null;
  }

  /** Forgets how the engine followed a task (it was removed, or is followed anew from scratch). */
  forgetTaskState(taskId: string): void {
    this.deleteState.run(taskId);
  }

  setGiveUp(taskId: string, reason: GiveUpReason | null, now: number): void {
    this.touchState.run(taskId, now);
    this.setGivenUp.run(reason, taskId);
  }

  pause(email: string): { reason: string; tokenHash: string } | null {
    const row = this.getPause.get(email);
    return row ? { reason: row.reason, tokenHash: row.token_hash } : null;
  }

  setPaused(email: string, reason: string, tokenHash: string): void {
    this.setPause.run(email, reason, tokenHash);
  }

  clearPaused(email: string): void {
    this.clearPause.run(email);
  }

  /** Due tasks of the given (active) accounts, skipping ones already being polled. */
  due(accounts: readonly string[], now: number, limit: number, skip: ReadonlySet<string>): DueRow[] {
    if (accounts.length === 0) return [];
    const marks = accounts.map(() => '?').join(',');
    const rows = this.db
      .prepare<unknown[], DueRow>(
        `SELECT t.task_id AS taskId, a.email AS account, t.next_poll_at AS nextPollAt,
          t.attempts, t.created_at AS createdAt
        FROM tasks t JOIN accounts a ON a.id = t.account_id
        WHERE t.final = 0 AND t.next_poll_at IS NOT NULL AND t.next_poll_at <= ? AND a.email IN (${marks})
        ORDER BY t.next_poll_at LIMIT ?`,
      )
      .all(now, ...accounts, limit + skip.size);
    return rows.filter((row) => !skip.has(row.taskId)).slice(0, limit);
  }

  /** The earliest next poll among the given accounts' tasks, or null when none is scheduled. */
  nextWake(accounts: readonly string[]): number | null {
    if (accounts.length === 0) return null;
    const marks = accounts.map(() => '?').join(',');
    const row = this.db
      .prepare<unknown[], { at: number | null }>(
        `SELECT min(t.next_poll_at) AS at
        FROM tasks t JOIN accounts a ON a.id = t.account_id
        WHERE t.final = 0 AND t.next_poll_at IS NOT NULL AND a.email IN (${marks})`,
      )
      .get(...accounts);
    return row?.at ?? null;
  }

  filePending(fileId: number, now: number): void {
    this.fileToPending.run(now, fileId);
  }

  retryTaskFiles(taskId: string, now: number): number {
    return this.taskFilesToPending.run(now, taskId).changes;
  }

  cancelTaskFiles(taskId: string, now: number): number {
    return this.taskFilesCancel.run(now, taskId).changes;
  }

  /** A watermark-free copy was refused and the watermarked one is not wanted: failed, no attempt spent. */
  fileRefused(fileId: number, message: string, now: number): void {
    this.fileRefusal.run(message, now, fileId);
  }

  /**
   * Called right after the failed files were put back in the queue (a new run): the refused ones
   * wait again, but for one per account, which asks whether the plan now allows the clean copy.
   */
  holdRefused(now: number): number {
    return this.refusedHold.run({ now, like: REFUSED_LIKE }).changes;
  }

  /** The account got a watermark-free copy: its refused files are worth asking again. */
  requeueRefused(email: string, now: number): number {
    return this.refusedOfAccount.run({ now, like: REFUSED_LIKE, email }).changes;
  }

  /** The settings now keep the watermarked copy (or no longer ask for the clean one): queue them. */
  requeueNotKept(now: number): number {
    return this.notKeptToPending.run({ now, like: NOT_KEPT_LIKE }).changes;
  }

  /** Forgets the input images not archived (keepInputs off); answers the rows dropped. */
  dropUnarchivedInputs(): { id: number; relativePath: string }[] {
    return this.dropInputs.all().map((row) => ({ id: row.id, relativePath: row.rel_path }));
  }

  /** Succeeded tasks with input images but no input file rows (not cancelled). */
  tasksMissingInputs(): string[] {
    return this.tasksLackingInputs.all().map((row) => row.task_id);
  }

  /** Tasks given up as stale that are younger than `cutoff` allows (created at or after it). */
  staleSince(cutoff: number): string[] {
    return this.staleWithin.all(cutoff).map((row) => row.task_id);
  }

  /**
   * Running tasks waiting for their next regular poll (not a backoff) later than `latest`: moved to
   * `latest` plus up to `spread` ms, so that they do not all poll at once.
   */
  pollNoLaterThan(latest: number, spread: number): number {
    return this.pullForward.run({ latest, spread: Math.max(1, Math.round(spread)) }).changes;
  }

  /** Queues a library file again (the archived copy stays until the new one replaces it). */
  redownload(relativePath: string, now: number): boolean {
    if (!this.fileByPath.get(relativePath)) return false;
    return this.pathToPending.run(now, relativePath).changes > 0;
  }
}
