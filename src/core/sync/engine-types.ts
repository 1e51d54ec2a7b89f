// The engine's public shapes: its options, what its commands answer, and a task's report.
import type { Library } from '../library';
import type { PollPolicy } from './schedule';
import type { EngineClock } from './clock';

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
  /** The clock and timers of every part (default: the real ones; tests pass a manual one). */
  clock?: EngineClock;
  /** Overrides the clock's time only (a test of ages and limits). */
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
