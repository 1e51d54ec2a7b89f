// Turns task snapshots (GET /tasks/{id} answers or history entries) into rows, idempotently.
// Rules: an older snapshot never replaces a newer one (task updateTime), a final status is never
// downgraded, works are never removed, and a stale snapshot may still add works we did not know.
import type { Database, Statement } from 'better-sqlite3';
import { IdSchema, interpretStatus, readTaskFacts } from '../../shared/useapi';
import type { TaskResponse, TaskWork } from '../../shared/useapi';
import { NewWorkIndexer } from './new-works';
import { WorkKeys } from './work-key';

export interface SnapshotInput {
  /** The account's email. */
  account: string;
  snapshot: TaskResponse;
  /** The exact response text: kept for task.json and the raw column. */
  raw: string;
}

/** `removed`: the user removed this task from the library; a snapshot does not bring it back. */
export type IngestOutcome = 'inserted' | 'updated' | 'unchanged' | 'stale' | 'rejected' | 'removed';

export interface IngestResult {
  taskId: string | null;
  outcome: IngestOutcome;
  /** Why a snapshot was rejected. */
  problem?: string;
}

export class IngestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IngestError';
  }
}

/** The task's facts as stored, which a stale snapshot's new works copy. */
interface StoredFacts {
  type: string | null;
  model_version: string | null;
  phase: string;
  prompt: string | null;
  negative_prompt: string | null;
}

interface ExistingTask {
  id: number;
  account_id: number;
  updated_at: number | null;
  final: number;
  snapshot_at: number | null;
}

export function snapshotTaskId(snapshot: TaskResponse): string | null {
  const fromTask = snapshot.task?.id;
  if (fromTask) return fromTask;
  return snapshot.works?.find((work) => work.taskId)?.taskId ?? null;
}

function statusOf(snapshot: TaskResponse) {
  // History entries carry their status on the works only.
  const work = snapshot.works?.find((w) => w.status !== undefined || w.status_name !== undefined);
  const hasOwn =
    snapshot.status ?? snapshot.task?.status ?? snapshot.status_name ?? snapshot.task?.status_name;
  if (hasOwn !== undefined || !work) return interpretStatus(snapshot);
  return interpretStatus({
    ...snapshot,
    status: work.status,
    status_name: work.status_name,
    status_final: work.status_final,
  });
}

const finiteOrNull = (value: number | undefined | null) =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function minWorkTime(works: readonly TaskWork[]): number | null {
  let min: number | null = null;
  for (const work of works) {
    const time = finiteOrNull(work.createTime);
    if (time !== null && time > 0 && (min === null || time < min)) min = time;
  }
  return min;
}

type SnapshotWork = TaskWork & { workId: string };

/** What a task row became: its outcome, its row id and the account it is filed under. */
interface WrittenTask {
  outcome: 'inserted' | 'updated' | 'unchanged' | 'stale';
  rowId: number;
  accountId: number;
}

/** A snapshot read into the task's columns, its works, and the facts its new works copy. */
interface ReadSnapshot {
  row: ReturnType<typeof taskColumns>;
  works: SnapshotWork[];
  facts: StoredFacts;
}

function taskColumns(taskId: string, snapshot: TaskResponse, works: readonly SnapshotWork[], now: number) {
  const status = statusOf(snapshot);
  const facts = readTaskFacts(snapshot);
  const task = snapshot.task ?? null;
  const info = task?.taskInfo ?? works.find((w) => w.taskInfo)?.taskInfo ?? null;
  const args = (info?.arguments ?? [])
    .filter((arg) => typeof arg.name === 'string')
    .map((arg) => ({ name: arg.name as string, value: arg.value == null ? null : String(arg.value) }));
  return {
    task_id: taskId,
    type: task?.type ?? task?.taskInfo?.type ?? works[0]?.type ?? null,
    status: status.status,
    status_name: status.statusName,
    final: status.final ? 1 : 0,
    phase: status.phase,
    reason: status.reason,
    prompt: facts.prompt,
    negative_prompt: facts.negativePrompt,
    duration: facts.duration,
    model_version: facts.modelVersion,
    arguments: JSON.stringify(args),
    input_urls: JSON.stringify(facts.inputUrls),
    created_at: finiteOrNull(task?.createTime) ?? minWorkTime(works),
    updated_at: finiteOrNull(task?.updateTime) ?? minWorkTime(works),
    snapshot_at: now,
  };
}

function readSnapshot(taskId: string, snapshot: TaskResponse, now: number): ReadSnapshot {
  const works = (snapshot.works ?? []).filter((work): work is SnapshotWork => Boolean(work.workId));
  const row = taskColumns(taskId, snapshot, works, now);
  return {
    row,
    works,
    facts: {
      type: row.type,
      model_version: row.model_version,
      phase: row.phase,
      prompt: row.prompt,
      negative_prompt: row.negative_prompt,
    },
  };
}

export class Ingestor {
  private readonly keys: WorkKeys;
  private readonly newWorks: NewWorkIndexer;
  private readonly accountIds = new Map<string, number>();
  private readonly insertAccount: Statement<[string]>;
  private readonly selectAccount: Statement<[string], { id: number }>;
  private readonly selectTask: Statement<[string, string], ExistingTask & { removed: number }>;
  private readonly insertRaw: Statement<[number, string]>;
  private readonly selectRaw: Statement<[number], { raw: string }>;
  private readonly selectFacts: Statement<[number], StoredFacts>;
  // Positional parameters on the hot path: binding an object looks each name up, ~20% of ingest.
  private readonly insertTask: Statement<unknown[]>;
  private readonly updateTask: Statement<Record<string, unknown>>;
  private readonly upsertRaw: Statement<[number, string]>;
  private readonly selectWork: Statement<[string], { id: number }>;
  private readonly insertWork: Statement<unknown[]>;
  private readonly updateWork: Statement<Record<string, unknown>>;
  private readonly syncWorksOfTask: Statement<Record<string, unknown>>;
  private readonly insertPending: Statement<[string, number, number]>;
  private readonly deleteRemoved: Statement<[string]>;

  constructor(private readonly db: Database) {
    this.keys = new WorkKeys(db);
    this.newWorks = new NewWorkIndexer(db);
    this.insertAccount = db.prepare('INSERT INTO accounts(email) VALUES (?) ON CONFLICT(email) DO NOTHING');
    this.selectAccount = db.prepare('SELECT id FROM accounts WHERE email = ?');
    // The task's row, if any, and whether the user removed it: one statement per snapshot.
    this.selectTask = db.prepare(`SELECT t.id, t.account_id, t.updated_at, t.final, t.snapshot_at,
        EXISTS (SELECT 1 FROM removed_tasks WHERE task_id = ?) AS removed
      FROM (SELECT 1) LEFT JOIN tasks t ON t.task_id = ?`);
    this.insertRaw = db.prepare('INSERT INTO task_snapshots(task_id, raw) VALUES (?, ?)');
    this.selectRaw = db.prepare('SELECT raw FROM task_snapshots WHERE task_id = ?');
    this.selectFacts = db.prepare(
      'SELECT type, model_version, phase, prompt, negative_prompt FROM tasks WHERE id = ?',
    );
    const taskColumns = `type = @type, status = @status, status_name = @status_name, final = @final,
      phase = @phase, reason = @reason, prompt = @prompt, negative_prompt = @negative_prompt,
      duration = @duration, model_version = @model_version, arguments = @arguments,
      input_urls = @input_urls, created_at = coalesce(@created_at, created_at),
      updated_at = @updated_at, snapshot_at = @snapshot_at`;
    this.insertTask = db.prepare(`INSERT INTO tasks (task_id, account_id, type, status, status_name, final,
        phase, reason, prompt, negative_prompt, duration, model_version, arguments, input_urls, created_at,
        updated_at, snapshot_at, next_poll_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.updateTask = db.prepare(`UPDATE tasks SET ${taskColumns},
      next_poll_at = CASE WHEN @final THEN NULL ELSE next_poll_at END,
      last_error = CASE WHEN @final THEN NULL ELSE last_error END
      WHERE id = @id`);
    this.upsertRaw = db.prepare(
      'INSERT INTO task_snapshots(task_id, raw) VALUES (?, ?) ON CONFLICT(task_id) DO UPDATE SET raw = excluded.raw',
    );
    this.selectWork = db.prepare('SELECT id FROM works WHERE work_id = ?');
    this.insertWork = db.prepare(`INSERT INTO works (id, work_id, task_id, content_type, width, height,
        duration_ms, result_url, cover_url, favorite, created_at, account_id, task_type, model_version, phase)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(work_id) DO NOTHING`);
    this.updateWork = db.prepare(`UPDATE works SET content_type = @content_type, width = @width,
        height = @height, duration_ms = @duration_ms, result_url = coalesce(@result_url, result_url),
        cover_url = coalesce(@cover_url, cover_url)
      WHERE id = @id`);
    this.syncWorksOfTask = db.prepare(`UPDATE works SET task_type = @task_type,
        model_version = @model_version, phase = @phase
      WHERE task_id = @task_id AND (task_type IS NOT @task_type OR model_version IS NOT @model_version
        OR phase IS NOT @phase)`);
    this.insertPending = db.prepare(`INSERT INTO tasks (task_id, account_id, next_poll_at) VALUES (?, ?, ?)
      ON CONFLICT(task_id) DO NOTHING`);
    this.deleteRemoved = db.prepare('DELETE FROM removed_tasks WHERE task_id = ?');
  }

  accountId(email: string): number {
    const cached = this.accountIds.get(email);
    if (cached !== undefined) return cached;
    this.insertAccount.run(email);
    const id = this.selectAccount.get(email)?.id;
    if (id === undefined) throw new IngestError(`could not record the account ${email}`);
    this.accountIds.set(email, id);
    return id;
  }

  /** Forget cached account ids and batch counts (after a transaction was rolled back). */
  resetCache(): void {
    this.accountIds.clear();
    this.newWorks.discard();
  }

  /** Applies snapshots in order. Must run inside a transaction (the callers wrap it). */
  ingestBatch(inputs: readonly SnapshotInput[], now: number): IngestResult[] {
    this.keys.beginBatch();
    try {
      const results = inputs.map((input) => this.ingest(input, now));
      this.newWorks.flush();
      return results;
    } finally {
      this.keys.endBatch();
    }
  }

  /** Records a task id the user typed, to be polled; does nothing when the task is known. */
  addPending(account: string, taskId: string, now: number): boolean {
    if (!IdSchema.safeParse(taskId).success) {
      throw new IngestError(`a task id is a number of up to 40 digits, not ${JSON.stringify(taskId)}`);
    }
    // Asked for by id: a task the user once removed is wanted again.
    this.deleteRemoved.run(taskId);
    return this.insertPending.run(taskId, this.accountId(account), now).changes > 0;
  }

  /** Applies one snapshot; its facet counts wait for the batch's end (see ingestBatch). */
  private ingest(input: SnapshotInput, now: number): IngestResult {
    const taskId = snapshotTaskId(input.snapshot);
    if (!taskId) return { taskId: null, outcome: 'rejected', problem: 'the snapshot carries no task id' };
    if (!input.account) return { taskId, outcome: 'rejected', problem: 'no account given' };
    const found = this.selectTask.get(taskId, taskId);
    if (found?.removed) return { taskId, outcome: 'removed' };
    const read = readSnapshot(taskId, input.snapshot, now);
    const task =
      found?.id == null
        ? this.insertNew(input.account, read, input.raw)
        : this.updateKnown(found, read, input.raw);
    if (task.outcome === 'updated') {
      this.syncWorksOfTask.run({
        task_id: task.rowId,
        task_type: read.facts.type,
        model_version: read.facts.model_version,
        phase: read.facts.phase,
      });
    }
    // New works copy the task as stored: a stale snapshot's facts are older than the row's.
    const taskFacts =
      task.outcome === 'stale' && read.works.length > 0
        ? (this.selectFacts.get(task.rowId) as StoredFacts)
        : read.facts;
    let addedWork = false;
    for (const work of read.works) {
      if (this.writeWork(work, read, task, taskFacts, now)) addedWork = true;
    }
    const stillOld = task.outcome === 'unchanged' || task.outcome === 'stale';
    return { taskId, outcome: addedWork && stillOld ? 'updated' : task.outcome };
  }

  /** A task the library has no row for. */
  private insertNew(account: string, read: ReadSnapshot, raw: string): WrittenTask {
    const { row } = read;
    const accountId = this.accountId(account);
    const rowId = Number(
      this.insertTask.run(
        row.task_id,
        accountId,
        row.type,
        row.status,
        row.status_name,
        row.final,
        row.phase,
        row.reason,
        row.prompt,
        row.negative_prompt,
        row.duration,
        row.model_version,
        row.arguments,
        row.input_urls,
        row.created_at,
        row.updated_at,
        row.snapshot_at,
        row.final ? null : row.snapshot_at,
      ).lastInsertRowid,
    );
    // A new row has no snapshot: a deleted task's went with it (ON DELETE CASCADE).
    this.insertRaw.run(rowId, raw);
    return { outcome: 'inserted', rowId, accountId };
  }

  /** A task the library has a row for: replaced unless the snapshot is older, a downgrade, or the same. */
  private updateKnown(existing: ExistingTask, read: ReadSnapshot, raw: string): WrittenTask {
    const rowId = existing.id;
    const accountId = existing.account_id; // a snapshot never moves a task (moves: task-accounts.ts)
    const known = existing.snapshot_at !== null;
    const downgrade = existing.final === 1 && read.row.final === 0;
    const older = (read.row.updated_at ?? -1) < (existing.updated_at ?? -1);
    if (known && (downgrade || older)) return { outcome: 'stale', rowId, accountId };
    if (known && this.selectRaw.get(rowId)?.raw === raw) return { outcome: 'unchanged', rowId, accountId };
    this.updateTask.run({ ...read.row, id: rowId });
    this.upsertRaw.run(rowId, raw);
    return { outcome: 'updated', rowId, accountId };
  }

  /** Adds a work the library does not know (true), or refreshes a known one from a current snapshot. */
  private writeWork(
    work: SnapshotWork,
    read: ReadSnapshot,
    task: WrittenTask,
    taskFacts: StoredFacts,
    now: number,
  ): boolean {
    const media = work.resource ?? null;
    const values = {
      content_type: work.contentType ?? null,
      width: finiteOrNull(media?.width),
      height: finiteOrNull(media?.height),
      duration_ms: Math.max(0, Math.round(finiteOrNull(media?.duration) ?? 0)),
      result_url: media?.resource || null,
      cover_url: work.cover?.resource || null,
    };
    // A new task's works are new, unless the service also lists one under another task: insert
    // first and look the work up only when its id is taken.
    let found = task.outcome === 'inserted' ? undefined : this.selectWork.get(work.workId);
    if (!found) {
      const workCreated = finiteOrNull(work.createTime) ?? read.row.created_at ?? now;
      const id = this.keys.next(workCreated);
      const favorite = work.favored || work.starred ? 1 : 0;
      const inserted = this.insertWork.run(
        id,
        work.workId,
        task.rowId,
        values.content_type,
        values.width,
        values.height,
        values.duration_ms,
        values.result_url,
        values.cover_url,
        favorite,
        workCreated,
        task.accountId,
        taskFacts.type,
        taskFacts.model_version,
        taskFacts.phase,
      );
      if (inserted.changes > 0) {
        this.newWorks.add({
          id,
          accountId: task.accountId,
          phase: taskFacts.phase,
          contentType: values.content_type,
          taskType: taskFacts.type,
          modelVersion: taskFacts.model_version,
          favorite,
          durationMs: values.duration_ms,
          prompt: taskFacts.prompt,
          negativePrompt: taskFacts.negative_prompt,
        });
        return true;
      }
      found = this.selectWork.get(work.workId);
    }
    const current = task.outcome === 'inserted' || task.outcome === 'updated';
    if (found && current) this.updateWork.run({ ...values, id: found.id });
    return false;
  }
}
