// `kling-archive sync TASK_ID...` and `kling-archive history`: run the sync engine until the tasks
// are final and their files archived, report on stderr while it runs, and end with one JSON
// document (--json) and the exit code: 0 all archived, 1 something failed, 2 usage/configuration.
import { openLibrary, LibraryVersionError } from '../../core/library';
import type { Library } from '../../core/library';
import { LibraryLockedError, SyncEngine, type SyncEvent, type TaskReport } from '../../core/sync';
import { createUseapiClient, describeResult } from '../../core/useapi';
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

const TASK_ID = /^\d{1,40}$/;
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
  final: boolean;
  error: string | null;
  works: TaskReport['works'];
  problems: TaskReport['problems'];
}

function toJson(report: TaskReport, timedOut: boolean): JsonTask {
  return {
    id: report.id,
    email: report.email,
    status: report.status,
    statusName: report.statusName,
    final: report.final,
    error: report.error ?? (timedOut && !report.settled ? 'timed out' : null),
    works: report.works,
    problems: report.problems,
  };
}

function progressReporter(io: Io): (event: SyncEvent) => void {
  let lastLine = 0;
  return (event) => {
    switch (event.name) {
      case 'task.changed': {
        const p = event.payload;
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
  try {
    const args = parseArgs(argv, command === 'history' ? [...COMMON_FLAGS, 'since'] : COMMON_FLAGS, [
      'json',
      'help',
    ]);
    if (args.switches.has('help')) {
      io.out(SYNC_HELP);
      return 0;
    }
    const taskIds = [...new Set(args.positional)];
    if (command === 'sync') {
      if (taskIds.length === 0) throw new UsageError('give at least one task id');
      const bad = taskIds.find((id) => !TASK_ID.test(id));
      if (bad !== undefined) throw new UsageError(`'${bad}' is not a task id (a number of up to 40 digits)`);
    } else if (taskIds.length > 0) {
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
      library = openLibrary(folder);
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
    engine.events.subscribe(progressReporter(io));
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
      if (outcome.error) io.err(`history: ${outcome.error}\n`);
      if (outcome.error && ids.length === 0) {
        if (deadline) clearTimeout(deadline);
        if (args.switches.has('json')) io.out(`${JSON.stringify({ tasks: [], error: outcome.error })}\n`);
        return 1;
      }
    }
    await engine.waitForTasks(ids, stopSignals.signal);
    if (deadline) clearTimeout(deadline);
    const timedOut = stopSignals.signal.aborted;
    const tasks = ids.map((id) => toJson(engine!.taskReport(id), timedOut));
    const success = tasks.every((task) => task.final && task.error === null && task.problems.length === 0);
    if (args.switches.has('json')) io.out(`${JSON.stringify({ tasks })}\n`);
    const archived = tasks.reduce(
      (n, task) => n + task.works.reduce((m, work) => m + work.files.length, 0),
      0,
    );
    io.err(
      `${tasks.length} task(s): ${tasks.filter((t) => t.final && !t.error).length} archived with ${archived} file(s)` +
        `${success ? '' : `, ${tasks.filter((t) => t.error).length} with problems`}\n`,
    );
    return success ? 0 : 1;
  } catch (error) {
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
