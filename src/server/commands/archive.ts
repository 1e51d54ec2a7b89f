// `kling-archive sync TASK_ID...` and `kling-archive history`: run the sync engine until the tasks
// are final and their files archived, report on stderr while it runs, and end with one JSON
// document (--json) and the exit code: 0 all archived, 1 something failed, 2 usage/configuration.
import { isCorruptionError } from '../../core/library';
import type { Library } from '../../core/library';
import { LibraryLockedError, SyncEngine, type SyncEvent, type TaskReport } from '../../core/sync';
import { describeRefusal, judgeTaskIds } from '../../shared/domain/task-id';
import { summarizeOutcomes, taskOutcome } from '../../shared/domain/task-outcome';
import { formatWait } from '../../core/sync/poll-problem';
import { DEFAULT_API_BASE } from '../../core/settings/schema';
import {
  UsageError,
  apiBase as readApiBase,
  checkLibraryFolder,
  libraryFolder,
  parseArgs,
  token as readToken,
  type Io,
} from './options';
import { healAfterRun, openLibraryToSync } from './heal';
import { tokenEmails } from './token-accounts';

const COMMON_FLAGS = ['library', 'api-base', 'token', 'email', 'timeout'];

export const SYNC_HELP = `Usage: kling-archive sync [--json] [--timeout SECONDS] TASK_ID...
       kling-archive history [--json] [--since DATE] [--timeout SECONDS]
Follows the tasks until they are final and archives every file into the library.
  --library DIR     library folder ($KLING_ARCHIVE_LIBRARY; default ~/Kling Archive)
  --api-base URL    useapi.net base URL ($KLING_ARCHIVE_API_BASE; default ${DEFAULT_API_BASE})
  --token TOKEN     useapi.net API token ($USEAPI_TOKEN)
  --email EMAIL     the Kling account. Without it, sync asks each of the token's accounts and files
                    each task under the one that owns it; history needs it when the token has several
  --json            print one JSON document on stdout at the end
Exit codes: 0 all archived, 1 a task or file failed or timed out, 2 usage or configuration error.
`;

/** A task in the --json document: the engine's report, its next try as an ISO time. */
type JsonTask = Pick<
  TaskReport,
  'id' | 'email' | 'status' | 'statusName' | 'phase' | 'final' | 'lastError' | 'works' | 'problems'
> & {
  /** Why the task is not archived (final problems, or the run's --timeout with what was happening). */
  error: string | null;
  /** When the engine would have asked again (ISO time), while the task was followed. */
  nextTryAt: string | null;
};

/** --timeout ran out on a task still being followed: say what it was waiting for, never just "timed out". */
function timedOutReason(report: TaskReport, timeoutMs: number | null): string {
  const after = timeoutMs === null ? 'stopped' : `timed out after ${formatWait(timeoutMs)}`;
  if (report.lastError) return `${after}; last error: ${report.lastError}`;
  if (!report.final) return `${after}; the task was still ${report.phase ?? 'waiting'} at useapi.net`;
  return `${after}; ${report.problems.length} file(s) not archived yet`;
}

function toJson(report: TaskReport, timedOut: boolean, timeoutMs: number | null): JsonTask {
  return {
    id: report.id,
    email: report.email,
    status: report.status,
    statusName: report.statusName,
    phase: report.phase,
    final: report.final,
    error: report.error ?? (timedOut && !report.settled ? timedOutReason(report, timeoutMs) : null),
    lastError: report.lastError,
    nextTryAt: report.nextTryAt === null ? null : new Date(report.nextTryAt).toISOString(),
    works: report.works,
    problems: report.problems,
  };
}

/** The run's counts, as the Tasks view counts them (shared/domain/task-outcome.ts). */
function summarize(reports: readonly TaskReport[], tasks: readonly JsonTask[]) {
  return summarizeOutcomes(
    reports.map((report, index) => {
      const error = tasks[index]?.error ?? report.error;
      const done = report.works.reduce((n, work) => n + work.files.length, 0);
      const outcome = taskOutcome({
        final: report.final,
        phase: report.phase,
        filesTotal: done + report.problems.length,
        filesDone: done,
        filesFailed: report.problems.filter((problem) => problem.state === 'failed').length,
        error,
      });
      return { outcome, reason: error };
    }),
  );
}

function progressReporter(io: Io): (event: SyncEvent) => void {
  let lastLine = 0;
  return (event) => {
    switch (event.name) {
      case 'task.changed': {
        const p = event.payload;
        if (p.retryAt !== undefined) {
          // A poll gave no usable answer: why, and when it is tried again.
          io.err(
            `task ${p.taskId}: ${p.message ?? 'no answer'}; next try in ${formatWait(p.retryAt - Date.now())}\n`,
          );
          break;
        }
        io.err(
          `task ${p.taskId}: ${p.phase}${p.final ? ' (final)' : ''}${p.message ? ` — ${p.message}` : ''}\n`,
        );
        break;
      }
      case 'file.archived':
        io.err(`archived ${event.payload.relativePath} (${event.payload.bytes} bytes)\n`);
        break;
      case 'file.failed':
        io.err(
          `download of ${event.payload.relativePath} failed: ${event.payload.message}${event.payload.willRetry ? ' (will retry)' : ''}\n`,
        );
        break;
      case 'account.paused':
        io.err(`account ${event.payload.email} paused: ${event.payload.message}\n`);
        break;
      case 'history.progress':
        io.err(
          `history: ${event.payload.pages} page(s), ${event.payload.tasksFound} task(s), ${event.payload.tasksAdded} new\n`,
        );
        break;
      case 'downloads.paused':
        if (event.payload.reason) io.err(`downloads paused: ${event.payload.reason}\n`);
        break;
      case 'download.progress': {
        const p = event.payload;
        const now = Date.now();
        if (now - lastLine < (io.isTty ? 200 : 5_000)) break;
        lastLine = now;
        const percent = p.bytesTotal ? ` ${Math.floor((p.bytesDone / p.bytesTotal) * 100)}%` : '';
        const rate = `${(p.bytesPerSecond / 1_048_576).toFixed(1)} MB/s`;
        const line = `${p.relativePath}${percent} ${(p.bytesDone / 1_048_576).toFixed(1)} MB ${rate}`;
        io.err(io.isTty ? `\r\u001b[2K${line}` : `${line}\n`);
        if (io.isTty && p.bytesTotal !== null && p.bytesDone >= p.bytesTotal) io.err('\n');
        break;
      }
      default:
        break;
    }
  };
}

/**
 * The accounts to use: --email, or the token's accounts. Several are allowed for sync only (each
 * task is filed under the account that answers for it); history walks one account.
 */
async function resolveEmails(
  command: 'sync' | 'history',
  base: string,
  apiToken: string,
  email: string | undefined,
): Promise<string[]> {
  if (email) return [email];
  const emails = await tokenEmails(base, apiToken);
  if (emails.length === 1 || command === 'sync') return emails;
  throw new UsageError(`the token has several Kling accounts (${emails.join(', ')}): pass --email`);
}

/** What the command line asks for, checked. */
interface RunPlan {
  command: 'sync' | 'history';
  json: boolean;
  taskIds: string[];
  since: number | undefined;
  timeoutMs: number | null;
  folder: string;
  base: string;
  apiToken: string;
  email: string | undefined;
}

/** Each entry judged once by the one task-id rule; each refused one named once, with its reason. */
function taskIdsOf(command: 'sync' | 'history', positional: readonly string[]): string[] {
  const judged = judgeTaskIds(positional);
  if (command === 'history') {
    if (positional.length > 0) throw new UsageError('history takes no task ids');
    return judged.ids;
  }
  if (judged.refused.length > 0) {
    const lines = judged.refused.map(describeRefusal);
    throw new UsageError(
      `${lines.length === 1 ? 'not a task id' : 'not task ids'}: ${lines.join('; ')} (a task id is digits only, at most 20 of them)`,
    );
  }
  if (judged.ids.length === 0) throw new UsageError('give at least one task id');
  return judged.ids;
}

function sinceOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const since = Date.parse(text);
  if (!Number.isFinite(since)) throw new UsageError(`--since is not a date: ${text}`);
  return since;
}

function timeoutOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError('--timeout must be a number of seconds above 0');
  return seconds * 1000;
}

/** The run the arguments ask for; null for --help. */
function planRun(
  command: 'sync' | 'history',
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): RunPlan | null {
  const args = parseArgs(argv, command === 'history' ? [...COMMON_FLAGS, 'since'] : COMMON_FLAGS, [
    'json',
    'help',
  ]);
  if (args.switches.has('help')) return null;
  const taskIds = taskIdsOf(command, args.positional);
  return {
    command,
    json: args.switches.has('json'),
    taskIds,
    since: sinceOf(args.flags.get('since')),
    timeoutMs: timeoutOf(args.flags.get('timeout')),
    folder: libraryFolder(args, env),
    base: readApiBase(args, env),
    apiToken: readToken(args, env),
    email: args.flags.get('email'),
  };
}

/** One run of the engine over the library, until the tasks are settled, stopped or out of time. */
class ArchiveRun {
  private library: Library | null = null;
  private engine: SyncEngine | null = null;
  private readonly stopSignals = new AbortController();
  private readonly onSignal = () => this.stopSignals.abort();

  constructor(
    private readonly command: 'sync' | 'history',
    private readonly io: Io,
    private readonly json: () => boolean,
  ) {}

  async execute(plan: RunPlan): Promise<number> {
    checkLibraryFolder(plan.folder, false);
    const emails = await resolveEmails(plan.command, plan.base, plan.apiToken, plan.email);
    const library = await openLibraryToSync(plan.command, plan.folder, this.io, {
      onCorruption: () => this.stopSignals.abort(),
    });
    this.library = library;
    const engine = new SyncEngine({
      library,
      accounts: emails.map((each) => ({ accountId: 'cli', email: each, token: plan.apiToken })),
      apiBase: plan.base,
    });
    this.engine = engine;
    const stopReporting = engine.events.subscribe(progressReporter(this.io));
    engine.start();
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    const deadline = plan.timeoutMs === null ? null : setTimeout(this.onSignal, plan.timeoutMs);
    try {
      const ids = await this.follow(plan, engine, emails);
      if (typeof ids === 'number') return ids;
      await engine.waitForTasks(ids, this.stopSignals.signal);
      if (library.damaged) return await this.healDuringRun();
      const timedOut = this.stopSignals.signal.aborted;
      // The run is over: what happens while the engine stops is not reported after the summary, and
      // the counts are those of the library as this run leaves it.
      stopReporting();
      await engine.stop();
      const reports = ids.map((id) => engine.taskReport(id));
      return this.report(plan, reports, timedOut);
    } finally {
      if (deadline) clearTimeout(deadline);
    }
  }

  /** The ids to wait for (sync: those given; history: those the walk found), or the exit code. */
  private async follow(plan: RunPlan, engine: SyncEngine, emails: string[]): Promise<string[] | number> {
    const email = emails[0] as string;
    if (plan.command === 'sync') {
      // Several accounts: the first is asked first, then the others; each task goes to its owner.
      engine.addTasks(email, plan.taskIds, { findOwner: emails.length > 1 });
      return plan.taskIds;
    }
    const outcome = await engine.syncHistory(email, plan.since === undefined ? {} : { since: plan.since });
    if (this.library?.damaged) return await this.healDuringRun();
    if (outcome.error) this.io.err(`history: ${outcome.error}\n`);
    if (outcome.error && outcome.taskIds.length === 0) {
      if (plan.json) this.io.out(`${JSON.stringify({ tasks: [], error: outcome.error })}\n`);
      return 1;
    }
    return outcome.taskIds;
  }

  /** The summary on stderr, the JSON document on stdout (--json), and the exit code. */
  private report(plan: RunPlan, reports: TaskReport[], timedOut: boolean): number {
    const tasks = reports.map((report) => toJson(report, timedOut, plan.timeoutMs));
    const summary = summarize(reports, tasks);
    if (plan.json) {
      const { text: _text, ...counts } = summary;
      this.io.out(`${JSON.stringify({ tasks, summary: counts })}\n`);
    }
    for (const task of tasks) if (task.error) this.io.err(`task ${task.id}: ${task.error}\n`);
    this.io.err(`${summary.text}\n`);
    return summary.archived === tasks.length ? 0 : 1;
  }

  /** A damaged index met mid-run (the engine swallows its own failures): stop, heal, say so, exit 1. */
  private async healDuringRun(): Promise<number> {
    await this.engine?.stop();
    this.engine = null;
    const damaged = this.library as Library;
    this.library = null;
    const message = await healAfterRun(this.command, damaged, this.io);
    if (this.json()) this.io.out(`${JSON.stringify({ tasks: [], error: message })}\n`);
    return 1;
  }

  async failed(error: unknown): Promise<number> {
    const library = this.library;
    if (library?.damaged || (library && isCorruptionError(error))) return await this.healDuringRun();
    const usage = error instanceof UsageError || error instanceof LibraryLockedError;
    this.io.err(`kling-archive ${this.command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return usage ? 2 : 1;
  }

  async close(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    await this.engine?.stop();
    this.library?.close();
  }
}

export async function runArchiveCommand(
  command: 'sync' | 'history',
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const run = new ArchiveRun(command, io, () => argv.includes('--json'));
  try {
    const plan = planRun(command, argv, env);
    if (plan === null) {
      io.out(SYNC_HELP);
      return 0;
    }
    return await run.execute(plan);
  } catch (error) {
    return await run.failed(error);
  } finally {
    await run.close();
  }
}
