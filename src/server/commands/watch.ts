// `kling-archive watch [--every MINUTES] [--once]`: the watcher in the foreground, for a home server.
// Accounts come from the settings (the app's or --config's), or from a token (--token / $USEAPI_TOKEN:
// all of its emails, or --email). One line per arrival and per problem; SIGTERM/SIGINT stop cleanly
// (a download under way keeps its .part and resumes next time) with exit 0; a configuration error
// exits 2. --once: one check of every account, then wait until what it found is archived (running
// tasks followed to the end): exit 0, or 1 if something could not be archived — the cron form.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { watchedAccounts } from '../../core/api/adapters/watching';
import type { Library } from '../../core/library';
import { SettingsVersionError, defaultSettings } from '../../core/settings';
import { SETTINGS_FILE_NAME, openConfSettingsStore } from '../../core/settings/conf-store';
import { TokenFileError, createHeadlessSecretStore, launchToken } from '../../core/settings/headless-secrets';
import {
  engineOptionsFromSettings,
  LibraryLockedError,
  SyncEngine,
  Watcher,
  watchEngineOf,
  type EngineAccountConfig,
  type LiveEngineOptions,
  type SyncEvent,
  type WatchedAccount,
} from '../../core/sync';
import { apiOrigin } from '../../core/useapi';
import { openLibraryToSync } from './heal';
import { tokenEmails } from './token-accounts';
import {
  UsageError,
  apiBase as readApiBase,
  checkLibraryFolder,
  libraryFolder as readLibraryFolder,
  parseArgs,
  type Io,
} from './options';

export const WATCH_HELP = `Usage: kling-archive watch [--every MINUTES] [--once] [options]
Archives every new generation of your accounts as it appears, until stopped (SIGTERM or Ctrl+C).
Accounts: those in the settings, or every account under --token (or one, with --email).
  --every MINUTES   minutes between two checks of an account (1-1440; default: the settings, 5)
  --once            check every account once, wait until what was found is archived, then exit
  --config DIR      settings folder (default: $KLING_ARCHIVE_CONFIG_DIR or ~/.config/kling-archive)
  --library DIR     library folder (default: the settings' or $KLING_ARCHIVE_LIBRARY)
  --api-base URL    useapi.net base URL (default: the settings' or $KLING_ARCHIVE_API_BASE)
  --token TOKEN     watch this token's accounts instead of the settings' ($USEAPI_TOKEN)
  --token-file FILE the same, from a file readable by you only (chmod 600)
  --email EMAIL     with a token: only this Kling account
Exit codes: 0 stopped cleanly (or --once: all archived), 1 --once: something could not be archived,
2 usage or configuration error.
`;

const FLAGS = ['every', 'config', 'library', 'api-base', 'token', 'token-file', 'email'];

interface WatchPlan {
  folder: string;
  apiBase: string;
  accounts: EngineAccountConfig[];
  watched: WatchedAccount[];
  engine: LiveEngineOptions;
  intervalMs: number;
  catchUpDays: number;
}

function defaultConfigDir(env: NodeJS.ProcessEnv): string {
  if (env['KLING_ARCHIVE_CONFIG_DIR']) return path.resolve(env['KLING_ARCHIVE_CONFIG_DIR']);
  return path.join(env['XDG_CONFIG_HOME'] || path.join(homedir(), '.config'), 'kling-archive');
}

function everyMinutes(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const minutes = Number(text);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    throw new UsageError('--every must be a whole number of minutes from 1 to 1440');
  return minutes;
}

/** The accounts under a token: all of its emails, or the one asked for. */
async function tokenAccounts(base: string, token: string, email: string | undefined) {
  if (email) return [{ accountId: 'cli', email, token }];
  const emails = await tokenEmails(base, token);
  return emails.map((each, index) => ({ accountId: `cli${index + 1}`, email: each, token }));
}

async function plan(args: ReturnType<typeof parseArgs>, env: NodeJS.ProcessEnv): Promise<WatchPlan> {
  const minutes = everyMinutes(args.flags.get('every'));
  const configDir = args.flags.has('config')
    ? path.resolve(args.flags.get('config')!)
    : defaultConfigDir(env);
  const defaults = defaultSettings({ home: homedir(), apiBase: env.KLING_ARCHIVE_API_BASE || undefined });
  const fromToken = args.flags.has('token') || args.flags.has('token-file') || Boolean(env.USEAPI_TOKEN);
  const hasSettings = existsSync(path.join(configDir, `${SETTINGS_FILE_NAME}.json`));
  if (!fromToken && !hasSettings)
    throw new UsageError(
      `no settings in ${configDir}: pass --config, or --token to watch a token's accounts`,
    );
  // With a token and no settings, nothing is written: the defaults serve.
  const settings = hasSettings ? openConfSettingsStore(configDir, { defaults }).store.read() : defaults;
  const interval = (minutes ?? settings.watching.intervalMinutes) * 60_000;
  if (fromToken) {
    const token = launchToken({
      env,
      flagToken: args.flags.get('token'),
      flagTokenFile: args.flags.get('token-file'),
    });
    if (!token) throw new UsageError('no useapi.net token: pass --token or set USEAPI_TOKEN');
    const base = readApiBase(args, env);
    const folder = readLibraryFolder(args, env);
    const accounts = await tokenAccounts(base, token, args.flags.get('email'));
    return {
      folder,
      apiBase: base,
      accounts,
      watched: accounts.map(({ accountId, email }) => ({ accountId, email, watch: true })),
      engine: engineOptionsFromSettings(settings),
      intervalMs: interval,
      catchUpDays: settings.watching.catchUpDays,
    };
  }
  if (args.flags.has('email')) throw new UsageError('--email goes with --token');
  const base = args.flags.get('api-base') ?? settings.apiBase;
  const secrets = createHeadlessSecretStore({
    file: path.join(configDir, 'tokens.json'),
    origin: apiOrigin(settings.apiBase),
    launchToken: undefined,
  });
  // A token goes only to the API host it was saved for, so --api-base cannot send it elsewhere.
  const accounts = settings.accounts.flatMap((account) => {
    const token = secrets.tokenFor(account.tokenId, apiOrigin(base));
    return token === undefined ? [] : [{ accountId: account.id, email: account.email, token }];
  });
  if (accounts.length === 0)
    throw new UsageError(
      `no account with a token for ${apiOrigin(base)} in the settings (${configDir}): add one, or pass --token`,
    );
  return {
    folder: args.flags.has('library') ? readLibraryFolder(args, env) : settings.libraryFolder,
    apiBase: base,
    accounts,
    watched: watchedAccounts(accounts, settings.accounts),
    engine: { ...engineOptionsFromSettings(settings), apiBase: base },
    intervalMs: interval,
    catchUpDays: settings.watching.catchUpDays,
  };
}

/** One line per arrival and per problem, with the time. */
function reporter(io: Io, library: Library): (event: SyncEvent) => void {
  const line = (text: string) => io.err(`${new Date().toISOString()} ${text}\n`);
  return (event) => {
    if (
      event.name === 'file.archived' &&
      (event.payload.kind === 'video' || event.payload.kind === 'image')
    ) {
      const email = library.task(event.payload.taskId)?.email ?? '?';
      line(`archived ${event.payload.relativePath} (${email}, task ${event.payload.taskId})`);
    } else if (event.name === 'file.failed' && !event.payload.willRetry) {
      line(`problem: ${event.payload.relativePath} could not be archived: ${event.payload.message}`);
    } else if (event.name === 'account.paused') {
      line(`problem: account ${event.payload.email} paused: ${event.payload.message}`);
    } else if (event.name === 'downloads.paused' && event.payload.reason) {
      line(`problem: downloads paused: ${event.payload.reason}`);
    }
  };
}

export async function runWatchCommand(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let library: Library | null = null;
  let engine: SyncEngine | null = null;
  let watcher: Watcher | null = null;
  const stopped = new AbortController();
  const onSignal = () => {
    stopped.abort();
    // A check under way (a long catch-up) stops too; what it found so far stays, its cursor too.
    void watcher?.stop();
  };
  try {
    const args = parseArgs(argv, FLAGS, ['once', 'help']);
    if (args.switches.has('help')) {
      io.out(WATCH_HELP);
      return 0;
    }
    if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'`);
    const watch = await plan(args, env);
    checkLibraryFolder(watch.folder, false);
    library = await openLibraryToSync('watch', watch.folder, io);
    engine = new SyncEngine({ library, accounts: watch.accounts, ...watch.engine, apiBase: watch.apiBase });
    const log = (text: string) => io.err(`${new Date().toISOString()} ${text}\n`);
    engine.events.subscribe(reporter(io, library));
    watcher = new Watcher({
      engine: watchEngineOf(engine),
      store: library.watchState,
      accounts: watch.watched,
      intervalMs: watch.intervalMs,
      catchUpDays: watch.catchUpDays,
    });
    watcher.subscribe((event) => {
      if (event.name !== 'watch.checked') return;
      const { email, error, newTaskIds } = event.payload;
      if (error && !stopped.signal.aborted) log(`problem: checking ${email} failed: ${error}`);
      for (const id of newTaskIds) log(`new task ${id} (${email})`);
    });
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    engine.start();
    const watching = watch.watched.filter((account) => account.watch).map((account) => account.email);
    log(
      `watching ${watching.join(', ') || 'no account (every switch is off)'}` +
        (args.switches.has('once') ? ' once' : ` every ${watch.intervalMs / 60_000} min`) +
        `; library ${watch.folder}`,
    );
    if (args.switches.has('once')) return await once(engine, watcher, stopped.signal, log);
    watcher.start();
    await new Promise<void>((resolve) => stopped.signal.addEventListener('abort', () => resolve()));
    log('stopping');
    return 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof LibraryLockedError ||
      error instanceof TokenFileError ||
      error instanceof SettingsVersionError
    ) {
      io.err(`kling-archive watch: ${error.message}\n`);
      return 2;
    }
    io.err(`kling-archive watch: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await watcher?.stop();
    await engine?.stop();
    library?.close();
  }
}

/** One check of every watched account, then wait for what it found; 0 all archived, 1 otherwise. */
async function once(
  engine: SyncEngine,
  watcher: Watcher,
  signal: AbortSignal,
  log: (text: string) => void,
): Promise<number> {
  const outcomes = await watcher.checkNow();
  // New tasks, and the ones listed that an earlier run left unfinished.
  const ids = [
    ...new Set(
      outcomes.flatMap((o) => [
        ...o.newTaskIds,
        ...o.seenTaskIds.filter((id) => !engine.taskReport(id).settled),
      ]),
    ),
  ];
  await engine.waitForTasks(ids, signal);
  if (signal.aborted) {
    log('stopping');
    return 0;
  }
  const failedChecks = outcomes.filter((o) => o.error !== null).length;
  const problems = ids
    .map((id) => engine.taskReport(id))
    .filter((report) => report.problems.length > 0 || (!report.final && report.error !== null));
  for (const report of problems) log(`problem: task ${report.id}: ${report.error ?? 'files missing'}`);
  log(`${ids.length} task(s) found; ${problems.length} with problems; ${failedChecks} failed check(s)`);
  return problems.length === 0 && failedChecks === 0 ? 0 : 1;
}
