// Task reads for the queue view and the scheduling the sync engine needs (no snapshot involved).
import type { Database, Statement } from 'better-sqlite3';
import type {
  TaskListItem,
  TaskListPage,
  TaskListQuery,
  TaskPhase,
  TaskSummary,
} from '../../shared/domain/library';
import { decodeCursor, encodeCursor } from './cursor';

export interface TaskRow {
  id: number;
  task_id: string;
  email: string;
  type: string | null;
  phase: TaskPhase;
  final: number;
  status: number | null;
  status_name: string | null;
  reason: string | null;
  prompt: string | null;
  negative_prompt: string | null;
  duration: string | null;
  model_version: string | null;
  arguments: string | null;
  created_at: number | null;
  updated_at: number | null;
  next_poll_at: number | null;
  attempts: number;
  last_error: string | null;
}

export const TASK_SELECT = `SELECT t.id, t.task_id, a.email, t.type, t.phase, t.final, t.status, t.status_name,
    t.reason, t.prompt, t.negative_prompt, t.duration, t.model_version, t.arguments, t.created_at, t.updated_at,
    t.next_poll_at, t.attempts, t.last_error
  FROM tasks t JOIN accounts a ON a.id = t.account_id`;

export const toTaskSummary = (row: TaskRow): TaskSummary => ({
  taskId: row.task_id,
  account: row.email,
  type: row.type,
  phase: row.phase,
  final: row.final === 1,
  status: row.status,
  statusName: row.status_name,
  reason: row.reason,
  prompt: row.prompt,
  negativePrompt: row.negative_prompt,
  duration: row.duration,
  modelVersion: row.model_version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  nextPollAt: row.next_poll_at,
  attempts: row.attempts,
  lastError: row.last_error,
});

export interface PollUpdate {
  nextPollAt: number | null;
  /** Replaces the attempt counter (0 after a good answer). */
  attempts?: number;
  lastError?: string | null;
}

export interface TaskStateUpdate {
  phase: TaskPhase;
  final: boolean;
  reason?: string | null;
}

export class TaskStore {
  private readonly byTaskId: Statement<[string], TaskRow>;
  private readonly schedule: Statement<Record<string, unknown>>;
  private readonly setState: Statement<Record<string, unknown>>;
  private readonly syncWorkPhase: Statement<{ phase: string; task: number }>;
  private readonly countsByTask: Statement<
    { task: number },
    {
      works: number;
      files_done: number;
      files_total: number;
      files_failed: number;
      file_error: string | null;
    }
  >;
  private readonly workIdsOfTask: Statement<[string], { work_id: string }>;
  private readonly listStatements = new Map<string, Statement<unknown[], TaskRow>>();

  constructor(private readonly db: Database) {
    this.byTaskId = db.prepare(`${TASK_SELECT} WHERE t.task_id = ?`);
    this.schedule = db.prepare(`UPDATE tasks SET next_poll_at = @next_poll_at,
        attempts = coalesce(@attempts, attempts),
        last_error = CASE WHEN @set_error THEN @last_error ELSE last_error END
      WHERE task_id = @task_id`);
    this.setState = db.prepare(`UPDATE tasks SET phase = @phase, final = @final, reason = @reason,
        next_poll_at = CASE WHEN @final THEN NULL ELSE next_poll_at END
      WHERE task_id = @task_id AND NOT (final = 1 AND @final = 0)`);
    this.syncWorkPhase = db.prepare(
      'UPDATE works SET phase = @phase WHERE task_id = @task AND phase IS NOT @phase',
    );
    this.countsByTask = db.prepare(`SELECT
        (SELECT count(*) FROM works WHERE task_id = @task) AS works,
        (SELECT count(*) FROM files WHERE task_id = @task AND state = 'done') AS files_done,
        (SELECT count(*) FROM files WHERE task_id = @task) AS files_total,
        (SELECT count(*) FROM files WHERE task_id = @task AND state = 'failed') AS files_failed,
        (SELECT error FROM files WHERE task_id = @task AND state = 'failed' AND error IS NOT NULL
          ORDER BY id LIMIT 1) AS file_error`);
    this.workIdsOfTask = db.prepare(`SELECT w.work_id FROM works w JOIN tasks t ON t.id = w.task_id
      WHERE t.task_id = ? ORDER BY w.id`);
  }

  get(taskId: string): TaskRow | null {
    return this.byTaskId.get(taskId) ?? null;
  }

  /** The task's works' ids (exact text), oldest first. */
  workIds(taskId: string): string[] {
    return this.workIdsOfTask.all(taskId).map((row) => row.work_id);
  }

  updatePolling(taskId: string, update: PollUpdate): boolean {
    return (
      this.schedule.run({
        task_id: taskId,
        next_poll_at: update.nextPollAt,
        attempts: update.attempts ?? null,
        set_error: update.lastError === undefined ? 0 : 1,
        last_error: update.lastError ?? null,
      }).changes > 0
    );
  }

  /** Sets a task's state without a snapshot (a 404 that will not come back); never un-finalises. */
  updateState(taskId: string, update: TaskStateUpdate): boolean {
    return this.db.transaction(() => {
      const changed =
        this.setState.run({
          task_id: taskId,
          phase: update.phase,
          final: update.final ? 1 : 0,
          reason: update.reason ?? null,
        }).changes > 0;
      const row = changed ? this.byTaskId.get(taskId) : undefined;
      if (row) this.syncWorkPhase.run({ phase: update.phase, task: row.id });
      return changed;
    })();
  }

  list(query: TaskListQuery): TaskListPage {
    const limit = query.limit ?? 100;
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.account !== undefined) {
      where.push('a.email = ?');
      params.push(query.account);
    }
    if (query.phase !== undefined) {
      where.push('t.phase = ?');
      params.push(query.phase);
    }
    if (query.activeOnly) where.push('t.final = 0');
    // Newest first; tasks not yet seen (no creation time) sort as time 0, after all others.
    if (query.cursor) {
      const [created, id] = decodeCursor(query.cursor, 'tasks', 2);
      where.push('(coalesce(t.created_at, 0), t.id) < (?, ?)');
      params.push(created, id);
    }
    const sql = `${TASK_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY coalesce(t.created_at, 0) DESC, t.id DESC LIMIT ?`;
    params.push(limit + 1);
    let statement = this.listStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.listStatements.set(sql, statement);
    }
    const rows = statement.all(...params);
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const items: TaskListItem[] = shown.map((row) => {
      const counts = this.countsByTask.get({ task: row.id }) ?? {
        works: 0,
        files_done: 0,
        files_total: 0,
        files_failed: 0,
        file_error: null,
      };
      return {
        ...toTaskSummary(row),
        works: counts.works,
        filesDone: counts.files_done,
        filesTotal: counts.files_total,
        filesFailed: counts.files_failed,
        fileError: counts.file_error,
      };
    });
    const last = shown.at(-1);
    return {
      items,
      nextCursor: more && last ? encodeCursor('tasks', [last.created_at ?? 0, last.id]) : null,
    };
  }
}
