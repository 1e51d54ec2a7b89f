// Removing a task from the library, after the user confirmed: its files on disk first (task.json
// before the media, so a crash half-way never leaves a folder that a rebuild would index again),
// then its rows (works, files, snapshot, search and facets follow by cascade and triggers), with a
// note in removed_tasks so that a late poll answer or the next history sync does not bring it back.
// Files the app did not put in the task folder are left alone, and so is the folder then.
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { resolveInside, SIDECAR_FILE, taskFolder } from './paths';

export interface RemovedTask {
  /** Archived files (media, covers, inputs) deleted from the folder. */
  removedFiles: number;
}

interface TaskToRemove {
  id: number;
  account_id: number;
  email: string;
  created_at: number | null;
}

export class TaskRemoval {
  private readonly selectTask: Statement<[string], TaskToRemove>;
  private readonly selectFiles: Statement<[number], { rel_path: string }>;
  private readonly selectWorks: Statement<[number], number>;
  private readonly deleteWorks: Statement<[number]>;
  private readonly deleteTask: Statement<[number]>;
  private readonly noteRemoved: Statement<[string, number, number]>;

  /**
   * `transact` runs the removal's writes in one transaction; `removedWorks` then says which works
   * went (the library records it for the gallery's kept match sets).
   */
  constructor(
    private readonly root: string,
    db: Database,
    private readonly transact: (write: () => void, removedWorks: () => number[]) => void,
  ) {
    this.selectTask = db.prepare(`SELECT t.id, t.account_id, a.email, t.created_at
      FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE t.task_id = ?`);
    this.selectFiles = db.prepare('SELECT rel_path FROM files WHERE task_id = ?');
    this.selectWorks = db.prepare('SELECT id FROM works WHERE task_id = ?').pluck() as Statement<
      [number],
      number
    >;
    this.deleteWorks = db.prepare('DELETE FROM works WHERE task_id = ?');
    this.deleteTask = db.prepare('DELETE FROM tasks WHERE id = ?');
    this.noteRemoved =
      db.prepare(`INSERT INTO removed_tasks (task_id, account_id, removed_at) VALUES (?, ?, ?)
      ON CONFLICT(task_id) DO UPDATE SET account_id = excluded.account_id, removed_at = excluded.removed_at`);
  }

  /** Null when the library has no such task. Throws (having changed no row) when a file cannot go. */
  remove(taskId: string, now: number): RemovedTask | null {
    const task = this.selectTask.get(taskId);
    if (!task) return null;
    const folder = taskFolder(task.email, task.created_at, taskId);
    const names = [SIDECAR_FILE, ...this.selectFiles.all(task.id).map((row) => row.rel_path)];
    let removedFiles = 0;
    for (const relative of names.map((name) => (name.includes('/') ? name : `${folder}/${name}`))) {
      if (this.removeWithLeftovers(resolveInside(this.root, relative)) && !relative.endsWith(SIDECAR_FILE))
        removedFiles += 1;
    }
    this.removeIfEmpty(resolveInside(this.root, folder));
    let works: number[] = [];
    this.transact(
      () => {
        works = this.selectWorks.all(task.id);
        // Works first: their search-delete trigger reads the task's text, gone once the task row is.
        this.deleteWorks.run(task.id);
        this.deleteTask.run(task.id);
        this.noteRemoved.run(taskId, task.account_id, now);
      },
      () => works,
    );
    return { removedFiles };
  }

  /**
   * Deletes a file and what was left beside it under its name (`.part`, `.part.json`, a sidecar's
   * temporary copy); true when the file itself was there.
   */
  private removeWithLeftovers(absolute: string): boolean {
    const directory = path.dirname(absolute);
    const name = path.basename(absolute);
    let entries: string[];
    try {
      entries = readdirSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    let present = false;
    for (const entry of entries) {
      if (entry !== name && !entry.startsWith(`${name}.`)) continue;
      rmSync(path.join(directory, entry), { force: true });
      if (entry === name) present = true;
    }
    return present;
  }

  /** The task folder, then its month folder, when nothing else is in them. */
  private removeIfEmpty(folder: string): void {
    for (const directory of [folder, path.dirname(folder)]) {
      try {
        rmdirSync(directory);
      } catch {
        return; // not empty (the user's own files stay), or already gone
      }
    }
  }
}
