// Where a task stands (its status, archived files and problems, whether anything is left to do), and
// waiting until a set of tasks has nothing left to do. Waiting listens to the engine's events and to
// its quiet changes; it never looks at the time.
import type { AccountPauses } from './account-pauses';
import type { Downloads } from './downloads';
import type { EngineContext } from './engine-context';
import type { TaskReport } from './engine-types';

type ReportFiles = TaskReport['works'][number]['files'];

export class TaskReports {
  constructor(
    private readonly ctx: EngineContext,
    private readonly pauses: AccountPauses,
    private readonly downloads: Downloads,
  ) {}

  /** Where a task stands: its status, archived files and problems; `settled` when nothing is left to do. */
  report(taskId: string): TaskReport {
    const row = this.ctx.library.task(taskId);
    if (!row) return untracked(taskId);
    const works = new Map<string, TaskReport['works'][number]>();
    for (const workId of this.ctx.library.taskWorkIds(taskId)) works.set(workId, { id: workId, files: [] });
    const { problems, open } = this.sortFiles(taskId, works);
    const pausedReason = this.downloads.pausedReason;
    const final = row.final === 1;
    let error: string | null = null;
    if (final && row.phase === 'failed') error = row.reason ?? 'failed';
    else if (!final) error = this.whyNotFollowed(taskId, row.email, row.last_error);
    else if (problems.length > 0 && (!open || pausedReason !== null)) {
      // A stopped queue (disk full) holds the rest: not archived either, and the reason is the stop's.
      const why = pausedReason ?? problems.find((p) => p.error)?.error;
      error = `${problems.length} file(s) could not be archived${why ? `: ${why}` : ''}`;
    }
    const waiting = !final && error === null;
    return {
      id: taskId,
      email: row.email,
      status: row.status,
      statusName: row.status_name,
      phase: row.phase,
      final,
      error,
      lastError: final ? null : row.last_error,
      nextTryAt: final ? null : row.next_poll_at,
      settled: !waiting && !(final && row.phase === 'succeeded' && open && pausedReason === null),
      works: [...works.values()],
      problems,
    };
  }

  /** Resolves when every one of these tasks is settled (see report), or the signal fires. */
  waitFor(taskIds: readonly string[], signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!signal?.aborted && !taskIds.every((id) => this.report(id).settled)) return;
        unsubscribe();
        unsubscribeQuiet();
        signal?.removeEventListener('abort', check);
        resolve();
      };
      const unsubscribe = this.ctx.events.subscribe((event) => {
        if (event.name !== 'download.progress') check();
      });
      // Transitions that emit no event (a retry timer firing, accounts or settings changed).
      const unsubscribeQuiet = this.ctx.onQuietChange(check);
      signal?.addEventListener('abort', check, { once: true });
      check();
    });
  }

  /** Why a task that is not final is no longer followed (null: it is). */
  private whyNotFollowed(taskId: string, email: string, lastError: string | null): string | null {
    const pause = this.pauses.reason(email);
    if (pause) return pause === 'unauthorized' ? 'token rejected' : pause;
    const givenUp = this.ctx.store.givenUp(taskId);
    if (givenUp === 'stale') return lastError ?? 'timed out';
    if (givenUp === 'cancelled') return 'cancelled';
    if (!this.ctx.accounts.has(email)) return 'no token for this account';
    return null;
  }

  /** Archived files under their works (inputs with the first), the rest as problems; open: some still to come. */
  private sortFiles(
    taskId: string,
    works: Map<string, TaskReport['works'][number]>,
  ): { problems: TaskReport['problems']; open: boolean } {
    const problems: TaskReport['problems'] = [];
    let open = false;
    const inputs: ReportFiles = [];
    for (const file of this.ctx.library.files.forTask(taskId)) {
      if (file.state === 'done' && file.sha256 !== null && file.bytes !== null) {
        const entry = { kind: file.kind, path: file.relativePath, bytes: file.bytes, sha256: file.sha256 };
        if (file.workId && works.has(file.workId)) works.get(file.workId)?.files.push(entry);
        else inputs.push(entry);
      } else {
        problems.push({ kind: file.kind, path: file.relativePath, state: file.state, error: file.error });
        if (file.state !== 'failed' || this.downloads.retryPlanned(file.id)) open = true;
      }
    }
    // Input images belong to the task; the report lists them with its first work.
    const first = works.values().next().value;
    if (first) first.files.push(...inputs);
    return { problems, open };
  }
}

function untracked(taskId: string): TaskReport {
  return {
    id: taskId,
    email: null,
    status: null,
    statusName: null,
    phase: null,
    final: false,
    error: 'not tracked',
    lastError: null,
    nextTryAt: null,
    settled: true,
    works: [],
    problems: [],
  };
}
