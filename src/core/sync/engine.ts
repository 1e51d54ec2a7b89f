// The sync engine: follows tasks until they are final (polling.ts), archives every file of every
// succeeded work (downloads.ts), walks accounts' histories (history.ts), pauses accounts the service
// refuses (account-pauses.ts), and reports through typed events and task reports (task-report.ts).
// This shell wires those parts over one shared state (engine-context.ts) and one clock (clock.ts),
// and keeps the commands. Every decision is persisted in the library's database, so a restart
// resumes where it stopped.
import type { Library } from '../library';
import { AccountPauses } from './account-pauses';
import { clockDelay } from './clock';
import { Downloads } from './downloads';
import { EngineContext } from './engine-context';
import type {
  AddTasksOptions,
  AddTasksOutcome,
  EngineAccountConfig,
  HistoryOptions,
  HistoryOutcome,
  LiveEngineOptions,
  SyncEngineOptions,
  TaskReport,
} from './engine-types';
import type { SyncEvents } from './events';
import { History } from './history';
import { acquireLibraryLock, type LibraryLock } from './lock';
import { Polling } from './polling';
import type { PollPolicy } from './schedule';
import { TaskReports } from './task-report';


/** How long stop waits for requests and downloads to let go before it frees the lock anyway. */
const STOP_GRACE_MS = 10_000;

export class SyncEngine {
  readonly events: SyncEvents;
  readonly library: Library;
  private readonly ctx: EngineContext;
  private readonly pauses: AccountPauses;
  private readonly polling: Polling;
  private readonly downloads: Downloads;
  private readonly history: History;
  private readonly reports: TaskReports;
  private lock: LibraryLock | null = null;

  constructor(options: SyncEngineOptions) {
    const ctx = new EngineContext(options);
    this.ctx = ctx;
    this.events = ctx.events;
    this.library = ctx.library;
    this.pauses = new AccountPauses(ctx);
    this.downloads = new Downloads(ctx);
    this.polling = new Polling(ctx, this.pauses, { succeeded: (taskId) => this.filesDue(taskId) });
    const rehomePort = {
      library: ctx.library,
      withDownloadsStopped: (taskId: string, move: () => void) =>
        this.downloads.withTaskStopped(taskId, move),
      watermarkFree: () => ctx.options.watermarkFree === true,
      now: () => ctx.now(),
      moved: (taskId: string) => ctx.emitTaskChanged(taskId, null),
    };
    this.history = new History(ctx, this.pauses, rehomePort, { pump: () => this.pump() });
    this.reports = new TaskReports(ctx, this.pauses, this.downloads);
    this.setAccounts(options.accounts);
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────

  /** Takes the library lock, resumes interrupted downloads and starts polling. */
  start(): void {
    if (this.ctx.running) return;
    if (this.ctx.options.lock !== false) this.lock = acquireLibraryLock(this.library.root);
    this.ctx.begin();
    const now = this.ctx.now();
    this.library.files.resetInterrupted(now);
    // A new run retries what failed before (bounded again by the per-file attempts).
    this.downloads.requeueFailed(now);
    // Settings may have changed while no engine ran (or a rebuild planned every input again).
    this.downloads.reconcileInputs();
    this.polling.resumeStaleWithinLimit(now);
    this.pump();
  }

  /**
   * Applies changed settings to the running engine, without a restart: in-flight polls and downloads
   * carry on (with the options they started with), everything after follows the new values. Fields
   * left out (or undefined) stay as they are. Throws on an API base no client accepts, changing
   * nothing then.
   */
  configure(changes: LiveEngineOptions): void {
    const { ctx } = this;
    const defined = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as LiveEngineOptions;
    const before = { options: ctx.options, policy: ctx.policy };
    const apiBaseChanged = defined.apiBase !== undefined && defined.apiBase !== before.options.apiBase;
    // Built first: a base URL the client refuses throws here, before anything changed.
    const clients = apiBaseChanged
      ? ctx.createClients([...ctx.accounts.values()], defined.apiBase)
      : ctx.clients;
    ctx.options = { ...before.options, ...defined };
    ctx.policy = { ...before.policy, ...defined.pollPolicy };
    const now = ctx.now();

    if (apiBaseChanged) {
      ctx.clients = clients;
      this.pauses.liftAll();
    }
    if (ctx.options.requestsPerSecond !== before.options.requestsPerSecond) ctx.applyRequestRate();
    if (ctx.policy.minIntervalMs < before.policy.minIntervalMs) {
      // Polls planned with the longer interval come forward to the new one (spread by the jitter).
      ctx.store.pollNoLaterThan(now + ctx.policy.minIntervalMs, ctx.policy.minIntervalMs * ctx.policy.jitter);
    }
    if (ctx.policy.staleAfterMs > before.policy.staleAfterMs) this.polling.resumeStaleWithinLimit(now);
    if (ctx.refusesWatermarked(before.options) && !ctx.refusesWatermarked()) ctx.store.requeueNotKept(now);
    if ((before.options.keepInputs !== false) !== (ctx.options.keepInputs !== false)) {
      this.downloads.reconcileInputs();
    }
    ctx.quietChange();
    this.pump();
  }

  /** The options now in force (the live ones may have changed since the start). */
  get currentOptions(): Readonly<Omit<SyncEngineOptions, 'library' | 'accounts'>> & {
    pollPolicy: Readonly<PollPolicy>;
  } {
    const { library: _library, accounts: _accounts, ...rest } = this.ctx.options;
    return { ...rest, pollPolicy: { ...this.ctx.policy } };
  }

  /** Aborts in-flight requests and downloads (their .part files stay for a resume) and frees the lock. */
  async stop(): Promise<void> {
    if (!this.ctx.running) return;
    this.ctx.end();
    // Everything under way listens to the stop signal; the grace only bounds a part that does not.
    const grace = new AbortController();
    await Promise.race([
      Promise.all([this.polling.stop(), this.downloads.stop()]),
      clockDelay(this.ctx.clock, STOP_GRACE_MS, grace.signal),
    ]);
    grace.abort();
    this.library.files.resetInterrupted(this.ctx.now());
    this.lock?.release();
    this.lock = null;
  }

  get isRunning(): boolean {
    return this.ctx.running;
  }

  get downloadsPausedReason(): string | null {
    return this.downloads.pausedReason;
  }

  // ── accounts ──────────────────────────────────────────────────────────────────────────────

  /** Replaces the accounts (settings changed). A paused account resumes when its token changed. */
  setAccounts(accounts: readonly EngineAccountConfig[]): void {
    const { ctx } = this;
    ctx.clients = ctx.createClients(accounts, ctx.options.apiBase);
    const known = ctx.accounts;
    ctx.accounts = new Map(accounts.map((account) => [account.email, account]));
    for (const account of accounts) {
      this.library.upsertAccount(account.email);
      // Refused for want of a token before: worth asking now that there is one (a start asks anyway).
      if (ctx.running && !known.has(account.email)) ctx.store.requeueRefused(account.email, ctx.now());
      this.pauses.resumeIfTokenChanged(account);
    }
    ctx.quietChange();
    if (ctx.running) this.pump();
  }

  /** Emails the engine may poll for: configured and not paused. */
  activeAccounts(): string[] {
    return this.pauses.active();
  }

  accountPause(email: string): string | null {
    return this.pauses.reason(email);
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────

  /** Starts following these task ids (exact numeric strings) for the account (or its owner). */
  addTasks(email: string, taskIds: readonly string[], options: AddTasksOptions = {}): AddTasksOutcome {
    const { library, store } = this.ctx;
    const outcome: AddTasksOutcome = { accepted: [], alreadyTracked: [], trackedUnder: {} };
    const now = this.ctx.now();
    // A first guess that cannot be polled (paused) would leave the lookup waiting.
    if (options.findOwner && this.pauses.isPaused(email)) email = this.pauses.active()[0] ?? email;
    for (const taskId of taskIds) {
      // A task no account has answered for yet (polled under a wrong guess) is filed again.
      const added =
        library.addPendingTask(email, taskId) || library.taskAccounts.refileUnanswered(taskId, email);
      // A new row (maybe a task the user removed): none of an earlier following carries over, such as
      // a cancel, a not-found count or the first-seen time its stale cutoff counts from.
      if (added) store.forgetTaskState(taskId);
      store.firstSeen(taskId, now);
      if (added) {
        if (options.findOwner) library.taskAccounts.markOwnerUnknown(taskId);
        else library.taskAccounts.markOwnerKnown(taskId);
        outcome.accepted.push(taskId);
        library.updatePolling(taskId, { nextPollAt: now, attempts: 0 });
        this.ctx.emitTaskChanged(taskId, null, true);
      } else {
        outcome.alreadyTracked.push(taskId);
        outcome.trackedUnder[taskId] = library.taskAccounts.accountOf(taskId) ?? email;
        this.polling.reviveIfIdle(taskId, now);
      }
    }
    this.polling.pump();
    return outcome;
  }

  /** Polls a given-up task again and re-queues its failed files. */
  retryTask(taskId: string): boolean {
    const row = this.library.task(taskId);
    if (!row) return false;
    const { store } = this.ctx;
    const now = this.ctx.now();
    store.setGiveUp(taskId, null, now);
    store.setNotFoundCount(taskId, 0, now);
    store.retryTaskFiles(taskId, now);
    if (row.final !== 1)
      this.library.updatePolling(taskId, { nextPollAt: now, attempts: 0, lastError: null });
    else if (row.phase === 'succeeded') this.ctx.createFiles(taskId);
    this.pump();
    return true;
  }

  /** Stops following a task; the files archived so far stay. */
  cancelTask(taskId: string): boolean {
    const row = this.library.task(taskId);
    if (!row) return false;
    const now = this.ctx.now();
    this.ctx.store.setGiveUp(taskId, 'cancelled', now);
    if (row.final !== 1) this.library.updatePolling(taskId, { nextPollAt: null, lastError: 'cancelled' });
    this.ctx.store.cancelTaskFiles(taskId, now);
    this.downloads.abortTask(taskId);
    this.ctx.emitTaskChanged(taskId, 'cancelled');
    return true;
  }

  /**
   * Stops everything under way for a task that is about to be removed from the library, and waits
   * until its downloads have let go of their files. A poll answer still on its way finds the task
   * removed and is not stored.
   */
  async forgetTask(taskId: string): Promise<void> {
    await this.downloads.stopTask(taskId);
    this.ctx.store.forgetTaskState(taskId);
    this.ctx.quietChange();
  }

  /** Fetches one library file again (the user asked: the only way an archived file is downloaded twice). */
  redownloadFile(relativePath: string): boolean {
    return this.downloads.redownload(relativePath);
  }

  /** Resumes the download queue after a disk-full pause. */
  resumeDownloads(): void {
    this.downloads.resume();
  }

  /** Pages backwards through the account's history until known tasks (or `since`), ingesting everything. */
  syncHistory(email: string, options: HistoryOptions = {}): Promise<HistoryOutcome> {
    return this.history.sync(email, options);
  }

  // ── reports ───────────────────────────────────────────────────────────────────────────────

  /** Where a task stands: its status, archived files and problems; `settled` when nothing is left to do. */
  taskReport(taskId: string): TaskReport {
    return this.reports.report(taskId);
  }

  /** Resolves when every one of these tasks is settled (see taskReport), or the signal fires. */
  waitForTasks(taskIds: readonly string[], signal?: AbortSignal): Promise<void> {
    return this.reports.waitFor(taskIds, signal);
  }

  /** A succeeded task: its files are made under the current settings and the queue runs. */
  private filesDue(taskId: string): void {
    this.ctx.createFiles(taskId);
    this.downloads.pump();
  }

  private pump(): void {
    this.polling.pump();
    this.downloads.pump();
  }
}
