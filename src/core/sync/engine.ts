// The sync engine: follows tasks until they are final (scheduler), archives every file of every
// succeeded work (download queue), walks accounts' histories, and reports through typed events.
// Every decision is persisted in the library's database, so a restart resumes where it stopped.
import { setMaxListeners } from 'node:events';
import { rmSync } from 'node:fs';
import { tokenFingerprint } from '../library';
import type { FileRow, Library, SyncState } from '../library';
import { createUseapiClient, describeResult } from '../useapi';
import type { UseapiClient, UseapiFailure } from '../useapi';
import { interpretStatus } from '../../shared/useapi';
import type { TaskResponse } from '../../shared/useapi';
import type { FileCopy } from '../../shared/domain/library';
import { DownloadError, downloadFile, DEFAULT_MAX_BYTES, partPath, partStatePath } from './download';
import { SyncEvents } from './events';
import { DEFAULT_ENGINE_OPTIONS } from './options-from-settings';
import { acquireLibraryLock, type LibraryLock } from './lock';
import {
  DEFAULT_POLL_POLICY,
  KeyedLimiter,
  TokenBucket,
  backoffDelay,
  nextPollDelay,
  notFoundRetryDelay,
  rateLimitDelay,
  type PollPolicy,
} from './schedule';
import { NOT_KEPT_SUFFIX, REFUSED_PREFIX } from './watermark-free-text';
import { DISK_FULL_MESSAGE, isDiskFullError } from './disk-full';
import { pollProblem } from './poll-problem';
import { taskAgeMs } from './task-age';
import {
  findTaskOwner,
  transientFailure,
  type OwnerLookupOutcome,
  type OwnerLookupPort,
} from './owner-lookup';
import { rehomeListedTasks, type RehomePort } from './rehome';

export interface EngineAccountConfig {
  /** The local account id (settings), used in events. */
  accountId: string;
  /** The Kling account's email: the library files tasks under it. */
  email: string;
  /** The useapi.net token for this account. Never logged, never in events. */
  token: string;
}

export interface SyncEngineOptions {
  library: Library;
  accounts: readonly EngineAccountConfig[];
  /** Default: the default settings' apiBase. Live: new clients for the next requests, pauses lifted. */
  apiBase?: string;
  /**
   * API requests per second for each account, polls, history pages and /assets/download together
   * (default: the default settings' polling.maxRequestsPerMinute / 60). Live.
   */
  requestsPerSecond?: number;
  /** API requests in flight per account (default 2). */
  perAccountInFlight?: number;
  /**
   * Files downloaded at once (default: the default settings' downloads.concurrency). Live: a higher value
   * starts more at once; a lower one lets the running downloads finish and starts fewer after.
   */
  downloadConcurrency?: number;
  /** Attempts per file before it is marked failed (default 5). */
  downloadAttempts?: number;
  /** First wait before a failed download is tried again, doubling up to a minute (default 1 s). */
  downloadRetryBaseMs?: number;
  /**
   * Ask /assets/download for a watermark-free copy of each video and image first (paid Kling plans;
   * default false; the settings' downloads.watermarkFree). Live, for the files not archived yet.
   */
  watermarkFree?: boolean;
  /**
   * With `watermarkFree`, when no watermark-free copy can be had (default true; the settings'
   * downloads.fallbackToWatermarked). Live.
   * - true: the work's result URL, the watermarked copy, is archived instead and recorded as such.
   * - false: nothing is fetched from the result URL. A refusal (402 no subscription, 400, 401, 404,
   *   no token for the account) will not change by itself: the file fails at once, with the reason,
   *   no attempt counted and no retry timer. A failure that may pass (5xx, 429, network, timeout, an
   *   unreadable answer) is retried like a failed download, within `downloadAttempts`, then fails.
   *   Either way the error names the setting (NOT_KEPT_SUFFIX). Such a file is queued again by a
   *   re-download, a task retry, a next start (refused ones: one per account asks again, and a
   *   watermark-free copy obtained for an account queues all its refused files), and by switching
   *   this on or `watermarkFree` off.
   */
  fallbackToWatermarked?: boolean;
  /**
   * Archive the tasks' input images (default true; the settings' downloads.keepInputs). Live.
   * false: succeeded tasks get no input file rows, and input rows not archived (pending, failed,
   * missing) are dropped with their .part files, so that nothing waits for them; inputs already
   * archived stay, and one being downloaded at that moment finishes. Back to true (or at a start
   * with it true): every succeeded task without input rows gets them, and they are downloaded.
   */
  keepInputs?: boolean;
  maxFileBytes?: number;
  downloadIdleTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Overrides of DEFAULT_POLL_POLICY. From the settings: `minIntervalMs` (polling.intervalSeconds,
   * the shortest gap between two polls of a running task; see nextPollDelay) and `staleAfterMs`
   * (polling.giveUpAfterHours). Live: a shorter interval brings waiting polls forward to it; a longer
   * limit of age resumes the tasks given up under the old one that are younger than the new one.
   */
  pollPolicy?: Partial<PollPolicy>;
  /** Take the one-engine-per-library lock (default true; tests of two engines turn it off). */
  lock?: boolean;
  now?: () => number;
  fetch?: typeof fetch;
}

/** What `SyncEngine.configure` can change while the engine runs (settings changed). */
export type LiveEngineOptions = Pick<
  SyncEngineOptions,
  | 'apiBase'
  | 'requestsPerSecond'
  | 'downloadConcurrency'
  | 'watermarkFree'
  | 'fallbackToWatermarked'
  | 'keepInputs'
  | 'pollPolicy'
>;

export interface AddTasksOutcome {
  accepted: string[];
  alreadyTracked: string[];
  /** The account each already tracked id is filed under. */
  trackedUnder: Record<string, string>;
}

export interface AddTasksOptions {
  /**
   * The owner is not known: `email` is asked first, then, on 404, every other account, and the
   * task is filed under the one that answers (see owner-lookup.ts).
   */
  findOwner?: boolean;
}

export interface HistoryOptions {
  /** Stop at tasks created before this time (ms). */
  since?: number;
  pageSize?: number;
  /** Start at tasks created before this time (ms) instead of the newest: a walk resumed. */
  before?: number;
  /** Stops this walk (the engine's stop stops every walk). */
  signal?: AbortSignal;
  /** Called before each older page is asked for, with its bound: where a stopped walk resumes. */
  onPage?: (createdBefore: number) => void;
  /** No history.progress events (the watcher reports its checks itself). */
  quiet?: boolean;
}

export interface HistoryOutcome {
  taskIds: string[];
  pages: number;
  error: string | null;
}

/** Where one task stands, for the CLI's report and for waiting. */
export interface TaskReport {
  id: string;
  email: string | null;
  status: number | null;
  statusName: string | null;
  phase: string | null;
  final: boolean;
  error: string | null;
  /** Why the latest poll gave no usable answer (a transient problem: 5xx, network, unreadable, 404). */
  lastError: string | null;
  /** When the task is asked about next (ms), while it is followed. */
  nextTryAt: number | null;
  /** Final (or given up, or its account paused) and no file still to fetch. */
  settled: boolean;
  works: Array<{
    id: string;
    files: Array<{ kind: string; path: string; bytes: number; sha256: string }>;
  }>;
  /** Files that are not archived (failed, missing, pending), with the reason. */
  problems: Array<{ kind: string; path: string; state: string; error: string | null }>;
}

/** Where one download comes from and which copy of the file that is (null: unknown). */
interface FileSource {
  url: string | null;
  copy: FileCopy | null;
}

/** No watermark-free copy, and the settings do not keep the watermarked one instead. */
class WatermarkFreeUnavailable extends Error {
  constructor(
    /** True when asking again will not change the answer (a refusal); false for a transient failure. */
    readonly refused: boolean,
    detail: string,
    /** The wait the service asked for (429/5xx Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(
      `${refused ? REFUSED_PREFIX : 'watermark-free copy not available'} (${detail}); ${NOT_KEPT_SUFFIX}`,
    );
    this.name = 'WatermarkFreeUnavailable';
  }
}

/** A short, token-free account of why /assets/download gave no URL, and whether that may pass. */
function watermarkFreeFailure(result: UseapiFailure): WatermarkFreeUnavailable {
  const http = (status: number | null) =>
    status === null ? result.message : `HTTP ${status}: ${result.message}`;
  switch (result.kind) {
    case 'rate_limited':
    case 'server_error':
      return new WatermarkFreeUnavailable(false, http(result.status), result.retryAfterMs);
    case 'network_error':
    case 'unexpected_status':
      return new WatermarkFreeUnavailable(false, http(result.status));
    case 'timeout':
      return new WatermarkFreeUnavailable(false, `no answer within ${Math.round(result.timeoutMs / 1000)} s`);
    case 'malformed':
      return new WatermarkFreeUnavailable(false, `the answer could not be read: ${result.problem}`);
    default:
      // payment_required, bad_request, unauthorized, not_found, invalid_id / invalid_input (refused
      // before sending), aborted (handled by the caller).
      return new WatermarkFreeUnavailable(true, http(result.status));
  }
}

/** A download under way: what it is for, how to stop it, and when it has let go of its file. */
interface DownloadJob {
  taskId: string;
  controller: AbortController;
  /** Set once started (in the map before, so the download sees itself there). */
  done?: Promise<void>;
}

const MAX_TIMER_MS = 2_147_483_647;
const MAX_OUTSTANDING_POLLS = 32;

export class SyncEngine {
  readonly events = new SyncEvents();
  readonly library: Library;
  private readonly store: SyncState;
  private policy: PollPolicy;
  private readonly now: () => number;
  private options: SyncEngineOptions;
  /** One request budget per account (see `requestsPerSecond`), made on first use. */
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly inFlight: KeyedLimiter;
  private accounts = new Map<string, EngineAccountConfig>();
  private clients = new Map<string, UseapiClient>();
  private readonly polling = new Set<string>();
  private readonly downloads = new Map<number, DownloadJob>();
  private readonly retryTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly holdUntil = new Map<string, number>();
  private wakeTimer: ReturnType<typeof setTimeout> | null = null;
  private wakeAt: number | null = null;
  private controller = new AbortController();
  private lock: LibraryLock | null = null;
  private running = false;
  private downloadsPaused: string | null = null;
  /** Moves of task folders under way: no download starts meanwhile (see rehome.ts). */
  private downloadsHeld = 0;
  private readonly ownerPort: OwnerLookupPort;
  private readonly rehomePort: RehomePort;

  constructor(options: SyncEngineOptions) {
    this.options = options;
    this.library = options.library;
    this.store = options.library.syncState;
    this.policy = { ...DEFAULT_POLL_POLICY, ...options.pollPolicy };
    this.now = options.now ?? Date.now;
    this.inFlight = new KeyedLimiter(options.perAccountInFlight ?? 2);
    this.setAccounts(options.accounts);
    this.ownerPort = {
      // An account held back by a 429 is not asked meanwhile.
      accounts: () => this.activeAccounts().filter((email) => (this.holdUntil.get(email) ?? 0) <= this.now()),
      client: (email) => this.clients.get(email),
      slot: async (email, signal) => {
        await this.bucketFor(email).take(signal);
        return this.inFlight.acquire(email);
      },
    };
    this.rehomePort = {
      library: this.library,
      withDownloadsStopped: (taskId, move) => this.withDownloadsStopped(taskId, move),
      watermarkFree: () => this.options.watermarkFree === true,
      now: () => this.now(),
      moved: (taskId) => this.emitTaskChanged(taskId, null),
    };
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────

  /** Takes the library lock, resumes interrupted downloads and starts polling. */
  start(): void {
    if (this.running) return;
    if (this.options.lock !== false) this.lock = acquireLibraryLock(this.library.root);
    this.running = true;
    this.controller = new AbortController();
    // Every waiting request listens on this one signal: dozens of listeners are expected.
    setMaxListeners(0, this.controller.signal);
    const now = this.now();
    this.library.files.resetInterrupted(now);
    // A new run retries what failed before (bounded again by the per-file attempts).
    this.requeueFailed(now);
    // Settings may have changed while no engine ran (or a rebuild planned every input again).
    this.reconcileInputs();
    this.resumeStaleWithinLimit(now);
    this.pumpPolls();
    this.pumpDownloads();
  }

  /**
   * Applies changed settings to the running engine, without a restart: in-flight polls and downloads
   * carry on (with the options they started with), everything after follows the new values. Fields
   * left out (or undefined) stay as they are. Throws on an API base no client accepts, changing
   * nothing then.
   */
  configure(changes: LiveEngineOptions): void {
    const defined = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as LiveEngineOptions;
    const before = { options: this.options, policy: this.policy };
    const apiBaseChanged = defined.apiBase !== undefined && defined.apiBase !== before.options.apiBase;
    // Built first: a base URL the client refuses throws here, before anything changed.
    const clients = apiBaseChanged
      ? this.createClients([...this.accounts.values()], defined.apiBase)
      : this.clients;
    this.options = { ...before.options, ...defined };
    this.policy = { ...before.policy, ...defined.pollPolicy };
    const now = this.now();

    if (apiBaseChanged) {
      this.clients = clients;
      // Another server: its refusals and rate-limit holds were not this one's.
      this.holdUntil.clear();
      for (const account of this.accounts.values()) {
        if (!this.store.pause(account.email)) continue;
        this.store.clearPaused(account.email);
        this.events.emit('account.resumed', { accountId: account.accountId, email: account.email });
      }
    }
    if (this.options.requestsPerSecond !== before.options.requestsPerSecond) {
      for (const bucket of this.buckets.values()) bucket.setRate(this.requestRate());
    }
    if (this.policy.minIntervalMs < before.policy.minIntervalMs) {
      // Polls planned with the longer interval come forward to the new one (spread by the jitter).
      this.store.pollNoLaterThan(
        now + this.policy.minIntervalMs,
        this.policy.minIntervalMs * this.policy.jitter,
      );
    }
    if (this.policy.staleAfterMs > before.policy.staleAfterMs) this.resumeStaleWithinLimit(now);
    const wasStrict = this.refusesWatermarked(before.options);
    if (wasStrict && !this.refusesWatermarked(this.options)) this.store.requeueNotKept(now);
    if ((before.options.keepInputs !== false) !== (this.options.keepInputs !== false)) this.reconcileInputs();

    this.pumpPolls();
    this.pumpDownloads();
  }

  /** The options now in force (the live ones may have changed since the start). */
  get currentOptions(): Readonly<Omit<SyncEngineOptions, 'library' | 'accounts'>> & {
    pollPolicy: Readonly<PollPolicy>;
  } {
    const { library: _library, accounts: _accounts, ...rest } = this.options;
    return { ...rest, pollPolicy: { ...this.policy } };
  }

  /** Aborts in-flight requests and downloads (their .part files stay for a resume) and frees the lock. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.controller.abort();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    for (const job of this.downloads.values()) job.controller.abort();
    const deadline = Date.now() + 10_000;
    while ((this.downloads.size > 0 || this.polling.size > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.library.files.resetInterrupted(this.now());
    this.lock?.release();
    this.lock = null;
  }

  get isRunning(): boolean {
    return this.running;
  }

  get downloadsPausedReason(): string | null {
    return this.downloadsPaused;
  }

  // ── accounts ──────────────────────────────────────────────────────────────────────────────

  /** Replaces the accounts (settings changed). A paused account resumes when its token changed. */
  setAccounts(accounts: readonly EngineAccountConfig[]): void {
    this.clients = this.createClients(accounts, this.options.apiBase);
    const known = this.accounts;
    this.accounts = new Map(accounts.map((account) => [account.email, account]));
    for (const account of accounts) {
      this.library.upsertAccount(account.email);
      // Refused for want of a token before: worth asking now that there is one (a start asks anyway).
      if (this.running && !known.has(account.email)) this.store.requeueRefused(account.email, this.now());
      const pause = this.store.pause(account.email);
      if (pause && pause.tokenHash !== tokenFingerprint(account.token)) {
        this.store.clearPaused(account.email);
        // What the old token was refused is worth asking with the new one.
        this.store.requeueRefused(account.email, this.now());
        this.events.emit('account.resumed', { accountId: account.accountId, email: account.email });
      }
    }
    if (this.running) {
      this.pumpPolls();
      this.pumpDownloads();
    }
  }

  private createClients(
    accounts: readonly EngineAccountConfig[],
    apiBase: string | undefined,
  ): Map<string, UseapiClient> {
    return new Map(
      accounts.map((account) => [
        account.email,
        createUseapiClient({
          token: account.token,
          ...(apiBase ? { baseUrl: apiBase } : {}),
          ...(this.options.requestTimeoutMs ? { timeoutMs: this.options.requestTimeoutMs } : {}),
          ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        }),
      ]),
    );
  }

  private requestRate(): number {
    return this.options.requestsPerSecond ?? DEFAULT_ENGINE_OPTIONS.requestsPerSecond;
  }

  /** The account's request budget: polls, history pages and /assets/download asks share it. */
  private bucketFor(email: string): TokenBucket {
    let bucket = this.buckets.get(email);
    if (!bucket) {
      bucket = new TokenBucket(this.requestRate(), 1);
      this.buckets.set(email, bucket);
    }
    return bucket;
  }

  /** Emails the engine may poll for: configured and not paused. */
  activeAccounts(): string[] {
    return [...this.accounts.keys()].filter((email) => !this.store.pause(email));
  }

  accountPause(email: string): string | null {
    return this.store.pause(email)?.reason ?? null;
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────

  /** Starts following these task ids (exact numeric strings) for the account (or its owner). */
  addTasks(email: string, taskIds: readonly string[], options: AddTasksOptions = {}): AddTasksOutcome {
    const outcome: AddTasksOutcome = { accepted: [], alreadyTracked: [], trackedUnder: {} };
    const now = this.now();
    // A first guess that cannot be polled (paused) would leave the lookup waiting.
    if (options.findOwner && this.store.pause(email)) email = this.activeAccounts()[0] ?? email;
    for (const taskId of taskIds) {
      // A task no account has answered for yet (polled under a wrong guess) is filed again.
      const added =
        this.library.addPendingTask(email, taskId) ||
        this.library.taskAccounts.refileUnanswered(taskId, email);
      // A new row (maybe a task the user removed): none of an earlier following carries over, such as
      // a cancel, a not-found count or the first-seen time its stale cutoff counts from.
      if (added) this.store.forgetTaskState(taskId);
      this.store.firstSeen(taskId, now);
      if (added) {
        if (options.findOwner) this.library.taskAccounts.markOwnerUnknown(taskId);
        else this.library.taskAccounts.markOwnerKnown(taskId);
        outcome.accepted.push(taskId);
        this.library.updatePolling(taskId, { nextPollAt: now, attempts: 0 });
        this.emitTaskChanged(taskId, null, true);
      } else {
        outcome.alreadyTracked.push(taskId);
        outcome.trackedUnder[taskId] = this.library.taskAccounts.accountOf(taskId) ?? email;
        this.reviveIfIdle(taskId, now);
      }
    }
    this.pumpPolls();
    return outcome;
  }

  /** Polls a given-up task again and re-queues its failed files. */
  retryTask(taskId: string): boolean {
    const row = this.library.task(taskId);
    if (!row) return false;
    const now = this.now();
    this.store.setGiveUp(taskId, null, now);
    this.store.setNotFoundCount(taskId, 0, now);
    this.store.retryTaskFiles(taskId, now);
    if (row.final !== 1)
      this.library.updatePolling(taskId, { nextPollAt: now, attempts: 0, lastError: null });
    else if (row.phase === 'succeeded') this.createFiles(taskId);
    this.pumpPolls();
    this.pumpDownloads();
    return true;
  }

  /** Stops following a task; the files archived so far stay. */
  cancelTask(taskId: string): boolean {
    const row = this.library.task(taskId);
    if (!row) return false;
    const now = this.now();
    this.store.setGiveUp(taskId, 'cancelled', now);
    if (row.final !== 1) this.library.updatePolling(taskId, { nextPollAt: null, lastError: 'cancelled' });
    this.store.cancelTaskFiles(taskId, now);
    for (const job of this.downloads.values()) if (job.taskId === taskId) job.controller.abort();
    this.emitTaskChanged(taskId, 'cancelled');
    return true;
  }

  /**
   * Stops everything under way for a task that is about to be removed from the library, and waits
   * until its downloads have let go of their files. A poll answer still on its way finds the task
   * removed and is not stored.
   */
  async forgetTask(taskId: string): Promise<void> {
    await this.stopDownloadsOf(taskId);
    this.store.forgetTaskState(taskId);
  }

  private async stopDownloadsOf(taskId: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const job of this.downloads.values()) {
      if (job.taskId !== taskId) continue;
      job.controller.abort();
      if (job.done) stopping.push(job.done);
    }
    await Promise.all(stopping);
  }

  /** Runs `work` once the task's downloads have stopped, with no download starting until it is done. */
  private async withDownloadsStopped(taskId: string, work: () => void): Promise<void> {
    this.downloadsHeld += 1;
    try {
      await this.stopDownloadsOf(taskId);
      work();
    } finally {
      this.downloadsHeld -= 1;
      this.pumpDownloads();
    }
  }

  /** Fetches one library file again (the user asked: the only way an archived file is downloaded twice). */
  redownloadFile(relativePath: string): boolean {
    const queued = this.store.redownload(relativePath, this.now());
    this.pumpDownloads();
    return queued;
  }

  /** Resumes the download queue after a disk-full pause. */
  resumeDownloads(): void {
    if (this.downloadsPaused === null) return;
    this.downloadsPaused = null;
    this.requeueFailed(this.now());
    this.events.emit('downloads.paused', { reason: null });
    this.pumpDownloads();
  }

  // ── settings in force ─────────────────────────────────────────────────────────────────────

  /** Watermark-free copies asked for, and the watermarked one not wanted instead. */
  private refusesWatermarked(options: SyncEngineOptions): boolean {
    return options.watermarkFree === true && options.fallbackToWatermarked === false;
  }

  /** The file rows a succeeded task should have under the current settings. */
  private createFiles(taskId: string): void {
    this.library.createFileRows(taskId, { inputs: this.options.keepInputs !== false });
  }

  /**
   * Failed files back in the queue. While the settings still refuse the watermarked copy, refused
   * watermark-free copies stay failed but for one per account, which asks whether that changed.
   */
  private requeueFailed(now: number): void {
    this.library.files.retryFailed(now);
    if (this.refusesWatermarked(this.options)) this.store.holdRefused(now);
  }

  /**
   * Makes the file rows follow `keepInputs`: off, input rows not archived are dropped (with their
   * .part files); on, every succeeded task without input rows gets them.
   */
  private reconcileInputs(): void {
    if (this.options.keepInputs === false) {
      for (const dropped of this.store.dropUnarchivedInputs()) {
        const timer = this.retryTimers.get(dropped.id);
        if (timer) clearTimeout(timer);
        this.retryTimers.delete(dropped.id);
        try {
          const destination = this.library.absolutePath(dropped.relativePath);
          rmSync(partPath(destination), { force: true });
          rmSync(partStatePath(destination), { force: true });
        } catch {
          // A path the library refuses was never written to; a leftover .part is harmless.
        }
      }
      return;
    }
    for (const taskId of this.store.tasksMissingInputs()) {
      try {
        this.library.createFileRows(taskId, { inputs: true });
      } catch {
        // A task whose files cannot be planned keeps what it has.
      }
    }
  }

  /** Tasks given up as stale under a shorter limit than today's are polled again. */
  private resumeStaleWithinLimit(now: number): void {
    for (const taskId of this.store.staleSince(now - this.policy.staleAfterMs)) {
      this.store.setGiveUp(taskId, null, now);
      this.library.updatePolling(taskId, { nextPollAt: now, attempts: 0, lastError: null });
      this.emitTaskChanged(taskId, null);
    }
  }

  // ── polling ───────────────────────────────────────────────────────────────────────────────

  private reviveIfIdle(taskId: string, now: number): void {
    const row = this.library.task(taskId);
    if (!row) return;
    if (row.final === 1) {
      if (row.phase === 'succeeded') {
        this.createFiles(taskId);
        this.pumpDownloads();
      }
    } else if (row.next_poll_at === null && !this.store.givenUp(taskId)) {
      this.library.updatePolling(taskId, { nextPollAt: now });
    }
  }

  /** Launches due polls (bounded), then sleeps on one timer until the next one is due. */
  private pumpPolls(): void {
    if (!this.running) return;
    const now = this.now();
    const active = this.activeAccounts();
    const room = MAX_OUTSTANDING_POLLS - this.polling.size;
    if (room > 0) {
      for (const due of this.store.due(active, now, room, this.polling)) {
        const hold = this.holdUntil.get(due.account) ?? 0;
        if (hold > now) {
          this.library.updatePolling(due.taskId, { nextPollAt: hold });
          continue;
        }
        this.polling.add(due.taskId);
        void this.pollOne(due.taskId, due.account, due.attempts).finally(() => {
          this.polling.delete(due.taskId);
          this.pumpPolls();
        });
      }
    }
    this.scheduleWake(active);
  }

  private scheduleWake(active: readonly string[]): void {
    if (!this.running) return;
    const next = this.store.nextWake(active);
    if (next === null) {
      if (this.wakeTimer) clearTimeout(this.wakeTimer);
      this.wakeTimer = null;
      this.wakeAt = null;
      return;
    }
    if (this.wakeTimer && this.wakeAt !== null && this.wakeAt <= next) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = next;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = null;
        this.pumpPolls();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, next - this.now())),
    );
  }

  private async pollOne(taskId: string, email: string, attempts: number): Promise<void> {
    const client = this.clients.get(email);
    if (!client) return;
    const signal = this.controller.signal;
    let release: (() => void) | null = null;
    try {
      await this.bucketFor(email).take(signal);
      release = await this.inFlight.acquire(email);
      if (!this.running) return;
      const result = await client.getTask(taskId, email, { signal });
      release(); // the owner lookup takes other accounts' slots: never hold two at once
      if (!this.running || result.kind === 'aborted') return;
      const lookup = result.kind === 'not_found' ? await this.findOwner(taskId, email, signal) : null;
      if (!this.running) return;
      const owner = lookup?.owner;
      if (owner) this.onTaskAnswer(taskId, owner.email, owner.value, owner.raw);
      else if (result.kind === 'ok') this.onTaskAnswer(taskId, email, result.value, result.raw);
      // An account that could not answer (5xx, network) may be the owner: not a 404 round then.
      else this.onTaskFailure(taskId, email, (lookup && transientFailure(lookup)) ?? result, attempts);
    } catch {
      // Only the wait can throw (aborted on stop): the task stays due and resumes on the next start.
    } finally {
      release?.();
    }
  }

  /** A task whose owner is unknown and that `askedFirst` does not know: the account that answers gets it. */
  private async findOwner(
    taskId: string,
    askedFirst: string,
    signal: AbortSignal,
  ): Promise<OwnerLookupOutcome | null> {
    if (!this.library.taskAccounts.ownerUnknown(taskId)) return null;
    const lookup = await findTaskOwner(taskId, askedFirst, this.ownerPort, signal);
    if (lookup.owner && this.running) this.library.moveTaskToAccount(taskId, lookup.owner.email);
    return lookup;
  }

  private onTaskAnswer(taskId: string, email: string, snapshot: TaskResponse, raw: string): void {
    const now = this.now();
    const ingest = this.library.ingest({ account: email, snapshot, raw });
    if (ingest.outcome === 'removed') return; // the user removed it while we asked
    if (ingest.outcome === 'rejected') {
      const problem = `could not store the answer (${ingest.problem ?? 'rejected'})`;
      this.retryLater(taskId, problem, now + backoffDelay(1, this.policy));
      return;
    }
    this.store.setNotFoundCount(taskId, 0, now);
    this.library.taskAccounts.markOwnerKnown(taskId);
    const status = interpretStatus(snapshot);
    const row = this.library.task(taskId);
    if (status.final || row?.final === 1) {
      this.library.updatePolling(taskId, { nextPollAt: null, attempts: 0, lastError: null });
      if ((row?.phase ?? status.phase) === 'succeeded') {
        this.createFiles(taskId);
        this.pumpDownloads();
      }
      this.emitTaskChanged(taskId, status.reason);
      return;
    }
    const ageMs = taskAgeMs(snapshot, { firstSeenAt: this.store.firstSeen(taskId, now), now });
    if (ageMs > this.policy.staleAfterMs) {
      this.giveUpStale(taskId, now);
      return;
    }
    const delay = nextPollDelay(
      {
        ageMs,
        eta: {
          etaTime: snapshot.etaTime,
          queuingEtaTime: snapshot.queuingEtaTime,
          currentTimestamp: snapshot.currentTimestamp,
        },
      },
      this.policy,
    );
    this.library.updatePolling(taskId, { nextPollAt: now + delay, attempts: 0, lastError: null });
    this.emitTaskChanged(taskId, null);
  }

  private giveUpStale(taskId: string, now: number): void {
    const hours = Math.round((this.policy.staleAfterMs / 3_600_000) * 10) / 10;
    const reason = `still not final after ${hours} h: polling stopped (retry to poll again)`;
    this.store.setGiveUp(taskId, 'stale', now);
    this.library.updatePolling(taskId, { nextPollAt: null, lastError: reason });
    this.emitTaskChanged(taskId, reason);
  }

  /** A poll gave no usable answer: the task keeps why, and when it is asked again, and says so. */
  private retryLater(taskId: string, problem: string, at: number, attempts?: number): void {
    this.library.updatePolling(taskId, {
      nextPollAt: at,
      lastError: problem,
      ...(attempts ? { attempts } : {}),
    });
    this.emitTaskChanged(taskId, problem, false, at);
  }

  private onTaskFailure(taskId: string, email: string, result: UseapiFailure, attempts: number): void {
    const now = this.now();
    const verdict = pollProblem(taskId, result);
    if (verdict.final) {
      this.finishFailed(taskId, verdict.reason);
      return;
    }
    switch (result.kind) {
      case 'unauthorized':
      case 'payment_required': {
        const account = this.accounts.get(email);
        if (account) {
          this.store.setPaused(email, result.kind, tokenFingerprint(account.token));
          this.events.emit('account.paused', {
            accountId: account.accountId,
            email,
            reason: result.kind,
            message: result.kind === 'unauthorized' ? 'token rejected' : describeResult(result),
          });
        }
        this.library.updatePolling(taskId, { nextPollAt: now, lastError: verdict.problem });
        return;
      }
      case 'not_found': {
        const count = this.store.notFoundCount(taskId) + 1;
        this.store.setNotFoundCount(taskId, count, now);
        const delay = notFoundRetryDelay(count, this.policy);
        if (delay === null) this.finishFailed(taskId, 'not found');
        else this.retryLater(taskId, verdict.problem, now + delay, attempts + 1);
        return;
      }
      case 'rate_limited': {
        const delay = rateLimitDelay(result.retryAfterMs, attempts + 1, this.policy);
        this.holdUntil.set(email, now + delay); // the whole account waits, not just this task
        this.retryLater(taskId, verdict.problem, now + delay, attempts + 1);
        return;
      }
      default: {
        // 5xx, network, timeout, malformed, unexpected, a 400 for an id we accept: back off.
        const delay =
          verdict.retryAfterMs !== undefined
            ? rateLimitDelay(verdict.retryAfterMs, attempts + 1, this.policy)
            : backoffDelay(attempts + 1, this.policy);
        this.retryLater(taskId, verdict.problem, now + delay, attempts + 1);
      }
    }
  }

  private finishFailed(taskId: string, reason: string): void {
    this.library.updateTaskState(taskId, { phase: 'failed', final: true, reason });
    this.library.updatePolling(taskId, { nextPollAt: null, lastError: reason });
    this.emitTaskChanged(taskId, reason);
  }

  private emitTaskChanged(taskId: string, message: string | null, added = false, retryAt?: number): void {
    const row = this.library.task(taskId);
    if (!row) return;
    this.events.emit('task.changed', {
      taskId,
      account: row.email,
      phase: row.phase,
      final: row.final === 1,
      message: message ?? row.reason ?? row.last_error,
      ...(added ? { added } : {}),
      ...(retryAt !== undefined ? { retryAt } : {}),
    });
  }

  // ── downloads ─────────────────────────────────────────────────────────────────────────────

  private pumpDownloads(): void {
    if (!this.running || this.downloadsPaused !== null || this.downloadsHeld > 0) return;
    const room =
      (this.options.downloadConcurrency ?? DEFAULT_ENGINE_OPTIONS.downloadConcurrency) - this.downloads.size;
    if (room <= 0) return;
    let claimed: FileRow[];
    try {
      claimed = this.library.claimFiles(room);
    } catch (error) {
      this.onDiskFull(error);
      return;
    }
    for (const file of claimed) {
      const controller = new AbortController();
      const job: DownloadJob = { taskId: file.taskId, controller };
      this.downloads.set(file.id, job);
      job.done = this.downloadOne(file, controller)
        .catch((error: unknown) => this.onDiskFull(error))
        .finally(() => {
          this.downloads.delete(file.id);
          this.pumpDownloads();
        });
    }
  }

  /** The index could not be written for want of space: the queue stops with the reason; anything else throws. */
  private onDiskFull(error: unknown): void {
    if (!isDiskFullError(error)) throw error;
    if (this.downloadsPaused !== null) return;
    this.downloadsPaused = DISK_FULL_MESSAGE;
    this.events.emit('downloads.paused', { reason: DISK_FULL_MESSAGE });
  }

  /**
   * Where to fetch a file from, and which copy that is: a media file's own URL is the work's result
   * URL, the watermarked copy; with `watermarkFree`, /assets/download is asked for a watermark-free
   * one first. When it gives none, the result URL is used, unless `fallbackToWatermarked` is false:
   * then this throws WatermarkFreeUnavailable. Covers and inputs: their URL, copy unknown.
   */
  private async sourceFor(file: FileRow, email: string | null, signal: AbortSignal): Promise<FileSource> {
    const media = file.kind === 'video' || file.kind === 'image';
    const fallback: FileSource = { url: file.sourceUrl, copy: media ? 'watermarked' : null };
    if (!this.options.watermarkFree || !media) return fallback;
    const keepWatermarked = this.options.fallbackToWatermarked !== false;
    const client = email ? this.clients.get(email) : undefined;
    if (!email || !client || !file.workId) {
      if (keepWatermarked) return fallback;
      throw new WatermarkFreeUnavailable(
        true,
        !file.workId ? 'the work has no id' : `no token for the account ${email ?? '(none)'}`,
      );
    }
    try {
      await this.bucketFor(email).take(signal);
    } catch {
      throw new DownloadError('aborted', 'The download was stopped');
    }
    const answer = await client.getDownloadUrl(email, [file.workId], file.kind === 'video' ? 'MP4' : 'PNG', {
      signal,
    });
    if (answer.kind === 'ok') {
      // The plan allows clean copies (again): files of this account refused before are worth a new try.
      if (this.store.requeueRefused(email, this.now()) > 0) queueMicrotask(() => this.pumpDownloads());
      // Never stored: the watermark-free URL is used once, right now.
      return { url: answer.value.cdnUrl, copy: 'watermark-free' };
    }
    if (answer.kind === 'aborted') throw new DownloadError('aborted', 'The download was stopped');
    if (keepWatermarked) return fallback;
    throw watermarkFreeFailure(answer);
  }

  private async downloadOne(file: FileRow, controller: AbortController): Promise<void> {
    const now = this.now();
    const task = this.library.task(file.taskId);
    let destination: string;
    try {
      destination = this.library.absolutePath(file.relativePath);
    } catch (error) {
      this.library.recordFileFailed(file.id, error instanceof Error ? error.message : String(error));
      this.emitFileFailed(file, 'refused: the path would leave the library', false);
      return;
    }
    const signal = AbortSignal.any([controller.signal, this.controller.signal]);
    let lastProgressWrite = 0;
    try {
      const source = await this.sourceFor(file, task?.email ?? null, signal);
      const url = source.url;
      if (!url) throw new DownloadError('unsafe_url', 'The file has no source URL');
      const result = await downloadFile({
        url,
        destination,
        signal,
        maxBytes: this.options.maxFileBytes ?? DEFAULT_MAX_BYTES,
        ...(this.options.downloadIdleTimeoutMs ? { idleTimeoutMs: this.options.downloadIdleTimeoutMs } : {}),
        progressIntervalMs: 250,
        onProgress: (progress) => {
          const at = Date.now();
          if (at - lastProgressWrite > 1000) {
            lastProgressWrite = at;
            this.library.recordFileProgress(file.id, progress.bytesDone, progress.bytesTotal);
          }
          this.events.emit('download.progress', {
            taskId: file.taskId,
            relativePath: file.relativePath,
            kind: file.kind,
            bytesDone: progress.bytesDone,
            bytesTotal: progress.bytesTotal,
            bytesPerSecond: progress.bytesPerSecond,
          });
        },
      });
      this.library.recordFileDone(file.id, result.bytes, result.sha256, source.copy);
      this.events.emit('file.archived', {
        taskId: file.taskId,
        workId: file.workId,
        relativePath: file.relativePath,
        kind: file.kind,
        bytes: result.bytes,
        sha256: result.sha256,
      });
    } catch (error) {
      if (error instanceof WatermarkFreeUnavailable && error.refused) {
        // Asking again will not change it: failed at once, the attempt given back, no retry timer.
        this.store.fileRefused(file.id, error.message, this.now());
        this.emitFileFailed(file, error.message, false);
        return;
      }
      const failure =
        error instanceof DownloadError
          ? error
          : error instanceof WatermarkFreeUnavailable
            ? new DownloadError('network', error.message) // may pass: retried like a download
            : new DownloadError('file_system', error instanceof Error ? error.message : String(error));
      if (failure.code === 'aborted') {
        this.store.filePending(file.id, now); // stopped, not failed: the .part resumes later
        return;
      }
      const willRetry = failure.retryable && file.attempts < (this.options.downloadAttempts ?? 5);
      this.library.recordFileFailed(
        file.id,
        failure.message,
        error instanceof WatermarkFreeUnavailable ? 'not_kept' : null,
      );
      // The retry timer exists before anyone hears of the failure, so that waiters see it as open.
      if (failure.code === 'disk_full') {
        this.downloadsPaused = failure.message;
      } else if (willRetry) {
        const backoff = backoffDelay(file.attempts, {
          ...this.policy,
          backoffBaseMs: this.options.downloadRetryBaseMs ?? 1_000,
          backoffCapMs: 60_000,
        });
        const asked = error instanceof WatermarkFreeUnavailable ? (error.retryAfterMs ?? 0) : 0;
        const timer = setTimeout(
          () => {
            this.retryTimers.delete(file.id);
            this.store.filePending(file.id, this.now());
            this.pumpDownloads();
          },
          Math.min(Math.max(backoff, asked), 60 * 60_000),
        );
        this.retryTimers.set(file.id, timer);
      }
      this.emitFileFailed(file, failure.message, willRetry);
      if (failure.code === 'disk_full') this.events.emit('downloads.paused', { reason: failure.message });
    }
  }

  private emitFileFailed(file: FileRow, message: string, willRetry: boolean): void {
    this.events.emit('file.failed', {
      taskId: file.taskId,
      relativePath: file.relativePath,
      kind: file.kind,
      message,
      willRetry,
    });
  }

  // ── history ───────────────────────────────────────────────────────────────────────────────

  /** Pages backwards through the account's history until known tasks (or `since`), ingesting everything. */
  async syncHistory(email: string, options: HistoryOptions = {}): Promise<HistoryOutcome> {
    const client = this.clients.get(email);
    const account = this.accounts.get(email);
    if (!client || !account) return { taskIds: [], pages: 0, error: `no token for the account ${email}` };
    const signal = options.signal
      ? AbortSignal.any([this.controller.signal, options.signal])
      : this.controller.signal;
    const seen = new Set<string>();
    let pages = 0;
    let added = 0;
    let createdBefore = options.before;
    const progress = (done: boolean, error: string | null) =>
      options.quiet ||
      this.events.emit('history.progress', {
        accountId: account.accountId,
        pages,
        tasksFound: seen.size,
        tasksAdded: added,
        done,
        error,
      });
    for (;;) {
      try {
        await this.bucketFor(email).take(signal);
      } catch {
        progress(true, 'stopped');
        return { taskIds: [...seen], pages, error: 'stopped' };
      }
      const result = await client.listTasks(
        email,
        {
          pageSize: options.pageSize ?? 50,
          ...(createdBefore !== undefined ? { createdBefore } : {}),
        },
        { signal },
      );
      if (result.kind !== 'ok') {
        if (result.kind === 'unauthorized') {
          this.store.setPaused(email, 'unauthorized', tokenFingerprint(account.token));
          this.events.emit('account.paused', {
            accountId: account.accountId,
            email,
            reason: 'unauthorized',
            message: 'token rejected',
          });
        }
        const error = describeResult(result);
        progress(true, error);
        return { taskIds: [...seen], pages, error };
      }
      pages += 1;
      const entries = result.value.history;
      if (entries.length === 0) break;
      const rawEntries = extractRawEntries(result.raw);
      let oldest: number | null = null;
      let newOnPage = 0;
      let reachedSince = false;
      const inputs = entries.flatMap((snapshot, index) => {
        const created = snapshot.task?.createTime ?? minCreateTime(snapshot);
        if (created !== null && (oldest === null || created < oldest)) oldest = created;
        if (options.since !== undefined && created !== null && created < options.since) {
          reachedSince = true;
          return [];
        }
        return [{ account: email, snapshot, raw: rawEntries?.[index] ?? JSON.stringify(snapshot) }];
      });
      await rehomeListedTasks(this.rehomePort, email, inputs);
      const results = this.library.ingestMany(inputs);
      const now = this.now();
      results.forEach((ingested) => {
        if (!ingested.taskId) return;
        seen.add(ingested.taskId);
        this.store.firstSeen(ingested.taskId, now);
        if (ingested.outcome === 'inserted') {
          newOnPage += 1;
          added += 1;
        }
        if (ingested.outcome === 'inserted' || ingested.outcome === 'updated') {
          this.emitTaskChanged(ingested.taskId, null, ingested.outcome === 'inserted');
        }
        const row = this.library.task(ingested.taskId);
        if (row?.final === 1 && row.phase === 'succeeded') this.createFiles(ingested.taskId);
        else if (row && row.final !== 1 && row.next_poll_at === null && !this.store.givenUp(row.task_id)) {
          this.library.updatePolling(row.task_id, { nextPollAt: now });
        }
      });
      this.pumpDownloads();
      this.pumpPolls();
      progress(false, null);
      // Known ground (a page with nothing new), the date limit, or the end of the history.
      if (reachedSince || newOnPage === 0 || oldest === null || oldest === createdBefore) break;
      createdBefore = oldest;
      options.onPage?.(oldest);
    }
    progress(true, null);
    return { taskIds: [...seen], pages, error: null };
  }

  // ── reports ───────────────────────────────────────────────────────────────────────────────

  /** Where a task stands: its status, archived files and problems; `settled` when nothing is left to do. */
  taskReport(taskId: string): TaskReport {
    const row = this.library.task(taskId);
    if (!row) {
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
    const files = this.library.files.forTask(taskId);
    const works = new Map<string, TaskReport['works'][number]>();
    for (const workId of this.library.taskWorkIds(taskId)) works.set(workId, { id: workId, files: [] });
    const problems: TaskReport['problems'] = [];
    let open = false;
    const inputs: TaskReport['works'][number]['files'] = [];
    for (const file of files) {
      if (file.state === 'done' && file.sha256 !== null && file.bytes !== null) {
        const entry = { kind: file.kind, path: file.relativePath, bytes: file.bytes, sha256: file.sha256 };
        if (file.workId && works.has(file.workId)) works.get(file.workId)?.files.push(entry);
        else inputs.push(entry);
      } else {
        problems.push({ kind: file.kind, path: file.relativePath, state: file.state, error: file.error });
        if (file.state !== 'failed' || this.retryTimers.has(file.id)) open = true;
      }
    }
    // Input images belong to the task; the report lists them with its first work.
    const first = works.values().next().value;
    if (first) first.files.push(...inputs);
    const pause = this.store.pause(row.email);
    const givenUp = this.store.givenUp(taskId);
    const final = row.final === 1;
    let error: string | null = null;
    if (final && row.phase === 'failed') error = row.reason ?? 'failed';
    else if (!final && pause) error = pause.reason === 'unauthorized' ? 'token rejected' : pause.reason;
    else if (!final && givenUp === 'stale') error = row.last_error ?? 'timed out';
    else if (!final && givenUp === 'cancelled') error = 'cancelled';
    else if (!final && !this.accounts.has(row.email)) error = 'no token for this account';
    else if (final && problems.length > 0 && (!open || this.downloadsPaused !== null)) {
      // A stopped queue (disk full) holds the rest: not archived either, and the reason is the stop's.
      const why = this.downloadsPaused ?? problems.find((p) => p.error)?.error;
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
      settled: !waiting && !(final && row.phase === 'succeeded' && open && this.downloadsPaused === null),
      works: [...works.values()],
      problems,
    };
  }

  /** Resolves when every one of these tasks is settled (see taskReport), or the signal fires. */
  waitForTasks(taskIds: readonly string[], signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (signal?.aborted || taskIds.every((id) => this.taskReport(id).settled)) {
          unsubscribe();
          clearInterval(safety);
          resolve();
        }
      };
      const unsubscribe = this.events.subscribe((event) => {
        if (event.name !== 'download.progress') check();
      });
      // Some transitions (a retry timer firing into 'pending') emit nothing: look again now and then.
      const safety = setInterval(check, 1000);
      signal?.addEventListener('abort', check, { once: true });
      check();
    });
  }
}

function minCreateTime(snapshot: TaskResponse): number | null {
  let min: number | null = null;
  for (const work of snapshot.works ?? []) {
    if (typeof work.createTime === 'number' && (min === null || work.createTime < min)) min = work.createTime;
  }
  return min;
}

/**
 * The exact text of each entry of a history page's `history` array, so that task.json keeps the
 * service's own bytes (exact ids). Null when the page does not have the expected shape.
 */
export function extractRawEntries(raw: string): string[] | null {
  const start = raw.search(/"history"\s*:\s*\[/);
  if (start < 0) return null;
  let i = raw.indexOf('[', start) + 1;
  const entries: string[] = [];
  let depth = 0;
  let inString = false;
  let entryStart = -1;
  for (; i < raw.length; i++) {
    const char = raw[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) entryStart = i;
      depth++;
    } else if (char === '}' || char === ']') {
      if (depth === 0) return entries; // the end of the history array
      depth--;
      if (depth === 0) entries.push(raw.slice(entryStart, i + 1));
    }
  }
  return null;
}
