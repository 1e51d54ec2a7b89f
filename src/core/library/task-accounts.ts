// Which account a task is filed under, and moving it to another one. A task id says nothing of its
// owner: ids added without an account are marked "owner unknown" until an account answers for it,
// and a task filed under the wrong account (by an older version, or added under a chosen account
// that was not its owner) is moved, folder and rows together, when its owner's history lists it.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { resolveInside, taskFolder } from './paths';

export interface TaskMove {
  /** The email the task was filed under. */
  from: string;
  to: string;
  /** Library-relative task folders, before and after. */
  fromFolder: string;
  toFolder: string;
  /** Whether a folder existed on disk and was moved. */
  folderMoved: boolean;
}

interface TaskToMove {
  id: number;
  email: string;
  created_at: number | null;
}

export class TaskAccounts {
  private readonly markWanted: Statement<[string]>;
  private readonly unmark: Statement<[string]>;
  private readonly isWanted: Statement<[string], { one: number }>;
  private readonly selectTask: Statement<[string], TaskToMove>;
  private readonly insertAccount: Statement<[string]>;
  private readonly selectAccount: Statement<[string], { id: number }>;
  private readonly setTaskAccount: Statement<[number, number]>;
  private readonly setWorksAccount: Statement<[number, number]>;
  private readonly selectFiles: Statement<[number], { id: number; rel_path: string }>;
  private readonly setFilePath: Statement<[string, number]>;
  private readonly cleanCopyWanted: Statement<{ task: number; now: number }>;
  private readonly selectUnanswered: Statement<[string], { id: number; email: string; final: number }>;
  private readonly requeue: Statement<[number]>;

  constructor(
    private readonly root: string,
    private readonly db: Database,
  ) {
    this.markWanted = db.prepare(
      'INSERT INTO task_owner_unknown (task_id) VALUES (?) ON CONFLICT(task_id) DO NOTHING',
    );
    this.unmark = db.prepare('DELETE FROM task_owner_unknown WHERE task_id = ?');
    this.isWanted = db.prepare('SELECT 1 AS one FROM task_owner_unknown WHERE task_id = ?');
    this.selectTask = db.prepare(`SELECT t.id, a.email, t.created_at
      FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE t.task_id = ?`);
    this.insertAccount = db.prepare('INSERT INTO accounts(email) VALUES (?) ON CONFLICT(email) DO NOTHING');
    this.selectAccount = db.prepare('SELECT id FROM accounts WHERE email = ?');
    // The stats' counters follow by trigger (tasks_counts_account); the facets by works' triggers.
    this.setTaskAccount = db.prepare('UPDATE tasks SET account_id = ? WHERE id = ?');
    this.setWorksAccount = db.prepare('UPDATE works SET account_id = ? WHERE task_id = ?');
    this.selectFiles = db.prepare('SELECT id, rel_path FROM files WHERE task_id = ?');
    this.setFilePath = db.prepare('UPDATE files SET rel_path = ? WHERE id = ?');
    this.selectUnanswered = db.prepare(`SELECT t.id, a.email, t.final
      FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE t.task_id = ? AND t.snapshot_at IS NULL`);
    this.requeue = db.prepare(`UPDATE tasks SET final = 0, phase = 'queued', reason = NULL, last_error = NULL
      WHERE id = ?`);
    // Media files that are not the watermark-free copy (watermarked, unknown, failed): fetched again
    // (the archived copy stays until the new one replaces it). A download under way is left alone.
    this.cleanCopyWanted = db.prepare(`UPDATE files SET state = 'pending', attempts = 0, error = NULL,
        hold = NULL, updated_at = @now
      WHERE task_id = @task AND kind IN ('video','image') AND state <> 'downloading'
        AND (state <> 'done' OR copy IS NOT 'watermark-free')`);
  }

  /** The task's owner is to be found: the first account that answers for it. */
  markOwnerUnknown(taskId: string): void {
    this.markWanted.run(taskId);
  }

  /** An account answered for the task (or it was added under a chosen account). */
  markOwnerKnown(taskId: string): void {
    this.unmark.run(taskId);
  }

  ownerUnknown(taskId: string): boolean {
    return this.isWanted.get(taskId) !== undefined;
  }

  /** The email the task is filed under; null when the library has no such task. */
  accountOf(taskId: string): string | null {
    return this.selectTask.get(taskId)?.email ?? null;
  }

  /**
   * Files the task under `email`: its folder moves on disk (`<account>/<YYYY-MM>/<taskId>/`, with
   * whatever is in it: media, task.json, .part files), then its rows follow in one transaction. A
   * failed row update moves the folder back. Null when the task is unknown or already there.
   */
  move(taskId: string, email: string): TaskMove | null {
    const task = this.selectTask.get(taskId);
    if (!task || task.email === email) return null;
    const fromFolder = taskFolder(task.email, task.created_at, taskId);
    const toFolder = taskFolder(email, task.created_at, taskId);
    const fromPath = resolveInside(this.root, fromFolder);
    const toPath = resolveInside(this.root, toFolder);
    const folderMoved = existsSync(fromPath);
    if (folderMoved) moveFolder(fromPath, toPath);
    try {
      this.db.transaction(() => {
        this.insertAccount.run(email);
        const accountId = this.selectAccount.get(email)?.id;
        if (accountId === undefined) throw new Error(`could not record the account ${email}`);
        this.setTaskAccount.run(accountId, task.id);
        this.setWorksAccount.run(accountId, task.id);
        for (const file of this.selectFiles.all(task.id)) {
          if (!file.rel_path.startsWith(`${fromFolder}/`)) continue;
          this.setFilePath.run(`${toFolder}${file.rel_path.slice(fromFolder.length)}`, file.id);
        }
      })();
    } catch (error) {
      if (folderMoved) moveFolder(toPath, fromPath);
      throw error;
    }
    removeIfEmpty(path.dirname(fromPath));
    return { from: task.email, to: email, fromFolder, toFolder, folderMoved };
  }

  /**
   * A task added again that no account has answered for yet: filed under `email` and queued again,
   * when it was under another account or given up ("not found"). False when it has had an answer,
   * or is still being asked under `email`.
   */
  refileUnanswered(taskId: string, email: string): boolean {
    const task = this.selectUnanswered.get(taskId);
    if (!task || (task.email === email && task.final === 0)) return false;
    this.db.transaction(() => {
      this.move(taskId, email);
      this.requeue.run(task.id);
    })();
    return true;
  }

  /** Queues the task's media files that are not watermark-free copies; answers how many. */
  requeueForCleanCopies(taskId: string, now: number): number {
    const task = this.selectTask.get(taskId);
    return task ? this.cleanCopyWanted.run({ task: task.id, now }).changes : 0;
  }
}

/** Moves a folder; into an existing one (a leftover), entry by entry. Same file system: renames. */
function moveFolder(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  if (!existsSync(to)) {
    renameSync(from, to);
    return;
  }
  for (const entry of readdirSync(from)) renameSync(path.join(from, entry), path.join(to, entry));
  rmdirSync(from);
}

function removeIfEmpty(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // Not empty (other tasks of that month), or already gone.
  }
}
