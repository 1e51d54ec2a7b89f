// The sync engine's own persisted state and its transitions of tasks and files, beside the library's
// tables in the same database (tables `sync_task_state`, `sync_account_pause`, migration 11): 404
// counts, when a task was first followed, tasks given up, accounts paused (with a fingerprint of the
// token that was refused, never the token), and the file moves the engine decides (refused, held,
// queued again). Every statement is prepared once; the engine reaches this as `library.syncState`.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export type GiveUpReason = 'stale' | 'cancelled';
/** Why an account is paused: the service refused its token, or asked for a paid plan. */
export type PauseReason = 'unauthorized' | 'payment_required';

export interface DueRow {
  taskId: string;
  account: string;
  nextPollAt: number;
  attempts: number;
  createdAt: number | null;
}

/** What `sync_account_pause.token_hash` holds: enough to tell a new token from the refused one. */
export const tokenFingerprint = (token: string) =>
  createHash('sha256').update(token).digest('hex').slice(0, 16);

type TaskStateRow = { not_found: number; first_seen_at: number; given_up: GiveUpReason | null };

/** The account lists of `due` and `nextWake` are bound as one JSON array: one statement for any number. */
const ACCOUNTS_IN = 'a.email IN (SELECT value FROM json_each(@accounts))';

/** Statements on sync_task_state and sync_account_pause. */
function prepareStateStatements(db: Database) {
  return {
    getState: db.prepare<[string], TaskStateRow>(
      'SELECT not_found, first_seen_at, given_up FROM sync_task_state WHERE task_id = ?',
    ),
    touchState: db.prepare<[string, number]>(
      'INSERT INTO sync_task_state (task_id, first_seen_at) VALUES (?, ?) ON CONFLICT(task_id) DO NOTHING',
    ),
    setNotFound: db.prepare<[number, string]>('UPDATE sync_task_state SET not_found = ? WHERE task_id = ?'),
    setGivenUp: db.prepare<[GiveUpReason | null, string]>(
      'UPDATE sync_task_state SET given_up = ? WHERE task_id = ?',
    ),
    deleteState: db.prepare<[string]>('DELETE FROM sync_task_state WHERE task_id = ?'),
    getPause: db.prepare<[string], { reason: PauseReason; token_hash: string }>(
      'SELECT reason, token_hash FROM sync_account_pause WHERE email = ?',
    ),
    setPause: db.prepare<
      [string, PauseReason, string]
    >(`INSERT INTO sync_account_pause (email, reason, token_hash)
      VALUES (?, ?, ?)
      ON CONFLICT(email) DO UPDATE SET reason = excluded.reason, token_hash = excluded.token_hash`),
    clearPause: db.prepare<[string]>('DELETE FROM sync_account_pause WHERE email = ?'),
    staleWithin: db.prepare<[number], { task_id: string }>(`SELECT t.task_id
      FROM tasks t JOIN sync_task_state s ON s.task_id = t.task_id
      WHERE t.final = 0 AND s.given_up = 'stale' AND coalesce(t.created_at, s.first_seen_at) >= ?`),
  };
}

/** Statements that schedule polls. */
function preparePollStatements(db: Database) {
  return {
    due: db.prepare<{ accounts: string; now: number; limit: number }, DueRow>(`SELECT t.task_id AS taskId,
        a.email AS account, t.next_poll_at AS nextPollAt, t.attempts, t.created_at AS createdAt
      FROM tasks t JOIN accounts a ON a.id = t.account_id
      WHERE t.final = 0 AND t.next_poll_at IS NOT NULL AND t.next_poll_at <= @now AND ${ACCOUNTS_IN}
      ORDER BY t.next_poll_at LIMIT @limit`),
    nextWake: db.prepare<{ accounts: string }, { at: number | null }>(`SELECT min(t.next_poll_at) AS at
      FROM tasks t JOIN accounts a ON a.id = t.account_id
      WHERE t.final = 0 AND t.next_poll_at IS NOT NULL AND ${ACCOUNTS_IN}`),
    pullForward: db.prepare<{ latest: number; spread: number }>(`UPDATE tasks
      SET next_poll_at = min(next_poll_at, @latest + (random() & 2147483647) % @spread)
      WHERE final = 0 AND attempts = 0 AND next_poll_at > @latest`),
    tasksLackingInputs: db.prepare<[], { task_id: string }>(`SELECT t.task_id FROM tasks t
      WHERE t.phase = 'succeeded' AND t.input_urls IS NOT NULL AND t.input_urls <> '[]'
        AND NOT EXISTS (SELECT 1 FROM files f WHERE f.task_id = t.id AND f.kind = 'input')
        AND NOT EXISTS (SELECT 1 FROM sync_task_state s WHERE s.task_id = t.task_id AND s.given_up = 'cancelled')
      ORDER BY t.id`),
  };
}

/**
 * Statements that move files between states. `files.hold` says why a failed file waits (see
 * FileHold); every statement that replaces a file's error replaces its hold with it.
 */
function prepareFileStatements(db: Database) {
  return {
    fileToPending: db.prepare<[number, number]>(
      "UPDATE files SET state = 'pending', updated_at = ? WHERE id = ? AND state IN ('failed','downloading')",
    ),
    taskFilesToPending: db.prepare<[number, string]>(`UPDATE files
      SET state = 'pending', error = NULL, hold = NULL, updated_at = ?
      WHERE state = 'failed' AND task_id = (SELECT id FROM tasks WHERE task_id = ?)`),
    taskFilesCancel: db.prepare<[number, string]>(`UPDATE files
      SET state = 'failed', error = 'cancelled', hold = NULL, updated_at = ?
      WHERE state IN ('pending','missing') AND task_id = (SELECT id FROM tasks WHERE task_id = ?)`),
    fileByPath: db.prepare<[string], { id: number }>('SELECT id FROM files WHERE rel_path = ?'),
    pathToPending: db.prepare<[number, string]>(`UPDATE files
      SET state = 'pending', error = NULL, hold = NULL, updated_at = ?
      WHERE rel_path = ? AND state <> 'downloading'`),
    // The claim counted an attempt; a refusal gives it back (asking again would not change it).
    fileRefusal: db.prepare<[string, number, number]>(`UPDATE files
      SET state = 'failed', error = ?, hold = 'refused', updated_at = ?, attempts = max(attempts - 1, 0)
      WHERE id = ?`),
    // After FileStore.retryFailed: refused files go back to failed, but for one per account (a probe).
    refusedHold: db.prepare<[number]>(`UPDATE files SET state = 'failed', updated_at = ?
      WHERE state = 'pending' AND hold = 'refused' AND id NOT IN (
        SELECT min(f.id) FROM files f JOIN tasks t ON t.id = f.task_id
        WHERE f.state = 'pending' AND f.hold = 'refused' GROUP BY t.account_id)`),
    refusedOfAccount: db.prepare<[number, string]>(`UPDATE files
      SET state = 'pending', error = NULL, hold = NULL, updated_at = ?
      WHERE state = 'failed' AND hold = 'refused' AND task_id IN (
        SELECT t.id FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE a.email = ?)`),
    // Refused and not available alike: both wait only because the watermarked copy is not kept.
    notKeptToPending: db.prepare<[number]>(`UPDATE files
      SET state = 'pending', error = NULL, hold = NULL, updated_at = ?
      WHERE state = 'failed' AND hold IN ('refused','not_kept')`),
    dropInputs: db.prepare<[], { id: number; rel_path: string }>(`DELETE FROM files WHERE kind = 'input'
      AND state IN ('pending','failed','missing') RETURNING id, rel_path`),
  };
}

export class SyncState {
  private readonly state: ReturnType<typeof prepareStateStatements>;
  private readonly polls: ReturnType<typeof preparePollStatements>;
  private readonly files: ReturnType<typeof prepareFileStatements>;

  constructor(db: Database) {
    this.state = prepareStateStatements(db);
    this.polls = preparePollStatements(db);
    this.files = prepareFileStatements(db);
  }

  // ── how the engine follows each task ──────────────────────────────────────────────────────

  /** Records when the engine first followed a task (for the stale cutoff of tasks without a creation time). */
  firstSeen(taskId: string, now: number): number {
    this.state.touchState.run(taskId, now);
    return this.state.getState.get(taskId)?.first_seen_at ?? now;
  }

  notFoundCount(taskId: string): number {
    return this.state.getState.get(taskId)?.not_found ?? 0;
  }

  setNotFoundCount(taskId: string, count: number, now: number): void {
    this.state.touchState.run(taskId, now);
    this.state.setNotFound.run(count, taskId);
  }

  givenUp(taskId: string): GiveUpReason | null {
    return this.state.getState.get(taskId)?.given_up ?? null;
  }

  /** Forgets how the engine followed a task (it was removed, or is followed anew from scratch). */
  forgetTaskState(taskId: string): void {
    this.state.deleteState.run(taskId);
  }

  setGiveUp(taskId: string, reason: GiveUpReason | null, now: number): void {
    this.state.touchState.run(taskId, now);
    this.state.setGivenUp.run(reason, taskId);
  }

  /** Tasks given up as stale that are younger than `cutoff` allows (created at or after it). */
  staleSince(cutoff: number): string[] {
    return this.state.staleWithin.all(cutoff).map((row) => row.task_id);
  }

  // ── accounts paused ───────────────────────────────────────────────────────────────────────

  pause(email: string): { reason: PauseReason; tokenHash: string } | null {
    const row = this.state.getPause.get(email);
    return row ? { reason: row.reason, tokenHash: row.token_hash } : null;
  }

  setPaused(email: string, reason: PauseReason, tokenHash: string): void {
    this.state.setPause.run(email, reason, tokenHash);
  }

  clearPaused(email: string): void {
    this.state.clearPause.run(email);
  }

  // ── polls ─────────────────────────────────────────────────────────────────────────────────

  /** Due tasks of the given (active) accounts, skipping ones already being polled. */
  due(accounts: readonly string[], now: number, limit: number, skip: ReadonlySet<string>): DueRow[] {
    if (accounts.length === 0) return [];
    const rows = this.polls.due.all({ accounts: JSON.stringify(accounts), now, limit: limit + skip.size });
    return rows.filter((row) => !skip.has(row.taskId)).slice(0, limit);
  }

  /** The earliest next poll among the given accounts' tasks, or null when none is scheduled. */
  nextWake(accounts: readonly string[]): number | null {
    if (accounts.length === 0) return null;
    return this.polls.nextWake.get({ accounts: JSON.stringify(accounts) })?.at ?? null;
  }

  /**
   * Running tasks waiting for their next regular poll (not a backoff) later than `latest`: moved to
   * `latest` plus up to `spread` ms, so that they do not all poll at once.
   */
  pollNoLaterThan(latest: number, spread: number): number {
    return this.polls.pullForward.run({ latest, spread: Math.max(1, Math.round(spread)) }).changes;
  }

  /** Succeeded tasks with input images but no input file rows (not cancelled). */
  tasksMissingInputs(): string[] {
    return this.polls.tasksLackingInputs.all().map((row) => row.task_id);
  }

  // ── files ─────────────────────────────────────────────────────────────────────────────────

  /** Back in the queue, its error kept until the claim (a retry timer fired, or a download stopped). */
  filePending(fileId: number, now: number): void {
    this.files.fileToPending.run(now, fileId);
  }

  retryTaskFiles(taskId: string, now: number): number {
    return this.files.taskFilesToPending.run(now, taskId).changes;
  }

  cancelTaskFiles(taskId: string, now: number): number {
    return this.files.taskFilesCancel.run(now, taskId).changes;
  }

  /** A watermark-free copy was refused and the watermarked one is not wanted: failed, no attempt spent. */
  fileRefused(fileId: number, message: string, now: number): void {
    this.files.fileRefusal.run(message, now, fileId);
  }

  /**
   * Called right after the failed files were put back in the queue (a new run): the refused ones
   * wait again, but for one per account, which asks whether the plan now allows the clean copy.
   */
  holdRefused(now: number): number {
    return this.files.refusedHold.run(now).changes;
  }

  /** The account got a watermark-free copy: its refused files are worth asking again. */
  requeueRefused(email: string, now: number): number {
    return this.files.refusedOfAccount.run(now, email).changes;
  }

  /** The settings now keep the watermarked copy (or no longer ask for the clean one): queue them. */
  requeueNotKept(now: number): number {
    return this.files.notKeptToPending.run(now).changes;
  }

  /** Forgets the input images not archived (keepInputs off); answers the rows dropped. */
  dropUnarchivedInputs(): { id: number; relativePath: string }[] {
    return this.files.dropInputs.all().map((row) => ({ id: row.id, relativePath: row.rel_path }));
  }

  /** Queues a library file again (the archived copy stays until the new one replaces it). */
  redownload(relativePath: string, now: number): boolean {
    if (!this.files.fileByPath.get(relativePath)) return false;
    return this.files.pathToPending.run(now, relativePath).changes > 0;
  }
}
