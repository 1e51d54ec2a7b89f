// `kling-archive sync TASK_ID...` and `kling-archive history`: run the sync engine until the tasks
// are final and their files archived, report on stderr while it runs, and end with one JSON
// document (--json) and the exit code: 0 all archived, 1 something failed, 2 usage/configuration.
import { isCorruptionError, LibraryVersionError } from '../../core/library';
import type { Library } from '../../core/library';
import { LibraryLockedError, SyncEngine, type SyncEvent, type TaskReport } from '../../core/sync';
import { createUseapiClient, describeResult } from '../../core/useapi';
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
import { healAfterRun, openHealedLibrary } from './heal';

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

interface JsonTask {
  id: string;
  email: string | null;
  status: number | null;
  statusName: string | null;
  phase: string | null;
  final: boolean;
  /** Why the task is not archived (final problems, or the run's --timeout with what was happening). */
  error: string | null;
  /** The latest transient problem (unreadable answer, 5xx, network, 404 that may pass), if any. */
  lastError: string | null;
  /** When the engine would have asked again (ISO time), while the task was followed. */
  nextTryAt: string | null;
  works: TaskReport['works'];
  problems: TaskReport['problems'];
}

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
  const client = createUseapiClient({ baseUrl: base, token: apiToken });
  const result = await client.listAccounts();
  if (result.kind !== 'ok') {
    if (result.kind === 'unauthorized' || result.kind === 'not_found')
      throw new UsageError(describeResult(result));
    throw new Error(describeResult(result));
  }
  const emails = Object.entries(result.value).map(([key, account]) => account.email ?? key);
  if (emails.length === 0) throw new UsageError('no Kling account is configured under this token');
  if (emails.length === 1 || command === 'sync') return emails;
  throw new UsageError(`the token has several Kling accounts (${emails.join(', ')}): pass --email`);
}

export async function runArchiveCommand(
  command: 'sync' | 'history',
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let library: Library | null = null;
  let engine: SyncEngine | null = null;
  const stopSignals = new AbortController();
  const onSignal = () => stopSignals.abort();
  // A damaged index met mid-run (the engine swallows its own failures): stop, heal, say so, exit 1.
  const healDuringRun = async (): Promise<number> => {
    await engine?.stop();
    engine = null;
    const damaged = library as Library;
    library = null;
    const message = await healAfterRun(command, damaged, io);
    if (argv.includes('--json')) io.out(`${JSON.stringify({ tasks: [], error: message })}\n`);
    return 1;
  };
  try {
    const args = parseArgs(argv, command === 'history' ? [...COMMON_FLAGS, 'since'] : COMMON_FLAGS, [
      'json',
      'help',
    ]);
    if (args.switches.has('help')) {
      io.out(SYNC_HELP);
      return 0;
    }
    // Each entry judged once by the one task-id rule; each refused one named once, with its reason.
    const judged = judgeTaskIds(args.positional);
    const taskIds = judged.ids;
    if (command === 'sync') {
      if (judged.refused.length > 0) {
        const lines = judged.refused.map(describeRefusal);
        throw new UsageError(
          `${lines.length === 1 ? 'not a task id' : 'not task ids'}: ${lines.join('; ')} (a task id is digits only, at most 20 of them)`,
        );
      }
      if (taskIds.length === 0) throw new UsageError('give at least one task id');
    } else if (args.positional.length > 0) {
      throw new UsageError('history takes no task ids');
    }
    let since: number | undefined;
    if (args.flags.has('since')) {
      since = Date.parse(args.flags.get('since') ?? '');
      if (!Number.isFinite(since)) throw new UsageError(`--since is not a date: ${args.flags.get('since')}`);
    }
    let timeoutMs: number | null = null;
    if (args.flags.has('timeout')) {
      const seconds = Number(args.flags.get('timeout'));
      if (!Number.isFinite(seconds) || seconds <= 0)
        throw new UsageError('--timeout must be a number of seconds above 0');
      timeoutMs = seconds * 1000;
    }
    const folder = libraryFolder(args, env);
    const base = readApiBase(args, env);
    const apiToken = readToken(args, env);
    checkLibraryFolder(folder, false);
    const emails = await resolveEmails(command, base, apiToken, args.flags.get('email'));
    const email = emails[0] as string;

    try {
      ({ library } = await openHealedLibrary(command, folder, io, {
        onCorruption: () => stopSignals.abort(),
      }));
    } catch (error) {
      if (error instanceof LibraryVersionError) throw new UsageError(error.message);
      throw new UsageError(
        `cannot open the library at ${folder}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    engine = new SyncEngine({
      library,
      accounts: emails.map((each) => ({ accountId: 'cli', email: each, token: apiToken })),
      apiBase: base,
    });
    const stopReporting = engine.events.subscribe(progressReporter(io));
    engine.start();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    const deadline = timeoutMs === null ? null : setTimeout(() => stopSignals.abort(), timeoutMs);
    let ids = taskIds;
    if (command === 'sync') {
      // Several accounts: the first is asked first, then the others; each task goes to its owner.
      engine.addTasks(email, taskIds, { findOwner: emails.length > 1 });
    } else {
      const outcome = await engine.syncHistory(email, since === undefined ? {} : { since });
      ids = outcome.taskIds;
      if (library.damaged) {
        if (deadline) clearTimeout(deadline);
        return await healDuringRun();
      }
      if (outcome.error) io.err(`history: ${outcome.error}\n`);
      if (outcome.error && ids.length === 0) {
        if (deadline) clearTimeout(deadline);
        if (args.switches.has('json')) io.out(`${JSON.stringify({ tasks: [], error: outcome.error })}\n`);
        return 1;
      }
    }
    await engine.waitForTasks(ids, stopSignals.signal);
    if (deadline) clearTimeout(deadline);
    if (library.damaged) return await healDuringRun();
    const timedOut = stopSignals.signal.aborted;
    // The run is over: what happens while the engine stops is not reported after the summary, and
    // the counts are those of the library as this run leaves it.
    stopReporting();
    await engine.stop();
    const reports = ids.map((id) => engine!.taskReport(id));
    const tasks = reports.map((report) => toJson(report, timedOut, timeoutMs));
    const summary = summarize(reports, tasks);
    const success = summary.archived === tasks.length;
    if (args.switches.has('json')) {
      const { text: _text, ...counts } = summary;
      io.out(`${JSON.stringify({ tasks, summary: counts })}\n`);
    }
    for (const task of tasks) if (task.error) io.err(`task ${task.id}: ${task.error}\n`);
    io.err(`${summary.text}\n`);
    return success ? 0 : 1;
  } catch (error) {
    if (library?.damaged || (library && isCorruptionError(error))) return await healDuringRun();
    if (error instanceof UsageError || error instanceof LibraryLockedError) {
      io.err(`kling-archive ${command}: ${error.message}\n`);
      return 2;
    }
    io.err(`kling-archive ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await engine?.stop();
    library?.close();
  }
}
