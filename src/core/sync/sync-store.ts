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

export class SyncStore {
  private readonly getState: Statement<
    [string],
    { not_found: number; first_seen_at: number; given_up: string | null }
  >;
  private readonly touchState: Statement<[string, number]>;
  private readonly setNotFound: Statement<[number, string]>;
  private readonly setGivenUp: Statement<[string | null, string]>;
  private readonly getPause: Statement<[string], { reason: string; token_hash: string }>;
  private readonly setPause: Statement<[string, string, string]>;
  private readonly clearPause: Statement<[string]>;
  private readonly fileToPending: Statement<[number, number]>;
  private readonly taskFilesToPending: Statement<[number, string]>;
  private readonly taskFilesCancel: Statement<[number, string]>;
  private readonly fileByPath: Statement<[string], { id: number }>;
  private readonly pathToPending: Statement<[number, string]>;

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

  /** Queues a library file again (the archived copy stays until the new one replaces it). */
  redownload(relativePath: string, now: number): boolean {
    if (!this.fileByPath.get(relativePath)) return false;
    return this.pathToPending.run(now, relativePath).changes > 0;
  }
}
