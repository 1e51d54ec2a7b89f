// What every part of the engine shares: the library and the engine's own state tables, the events,
// the clock, the options in force, the accounts with their API clients, and each account's request
// budget and in-flight slots (polls, history pages and /assets/download asks draw on the same ones).
import { setMaxListeners } from 'node:events';
import type { Library, SyncState } from '../library';
import { createUseapiClient, type UseapiClient } from '../useapi';
import { bucketClockOf, systemClock, type EngineClock } from './clock';
import type { EngineAccountConfig, SyncEngineOptions } from './engine-types';
import { SyncEvents } from './events';
import { DEFAULT_ENGINE_OPTIONS } from './options-from-settings';
import {
  DEFAULT_POLL_POLICY,
  KeyedLimiter,
  TokenBucket,
  type Clock as BucketClock,
  type PollPolicy,
} from './schedule';

export class EngineContext {
  readonly events = new SyncEvents();
  readonly library: Library;
  readonly store: SyncState;
  readonly clock: EngineClock;
  options: SyncEngineOptions;
  policy: PollPolicy;
  running = false;
  accounts = new Map<string, EngineAccountConfig>();
  clients = new Map<string, UseapiClient>();
  readonly inFlight: KeyedLimiter;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly bucketClock: BucketClock;
  private controller = new AbortController();
  /** Told of changes that emit no event (a retry timer firing, accounts or settings changed). */
  private readonly quietChangeListeners = new Set<() => void>();

  constructor(options: SyncEngineOptions) {
    this.options = options;
    this.library = options.library;
    this.store = options.library.syncState;
    this.policy = { ...DEFAULT_POLL_POLICY, ...options.pollPolicy };
    const clock = options.clock ?? systemClock;
    this.clock = options.now ? { ...clock, now: options.now } : clock;
    // A `now` override moves the stored times only: the budgets keep the clock's own time and timers.
    this.bucketClock = bucketClockOf(clock);
    this.inFlight = new KeyedLimiter(options.perAccountInFlight ?? 2);
  }

  now(): number {
    return this.clock.now();
  }

  /** Fires on stop: every request and download under way listens to it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A new run: a fresh stop signal. */
  begin(): void {
    this.running = true;
    this.controller = new AbortController();
    // Every waiting request listens on this one signal: dozens of listeners are expected.
    setMaxListeners(0, this.controller.signal);
  }

  end(): void {
    this.running = false;
    this.controller.abort();
  }

  createClients(
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

  requestRate(): number {
    return this.options.requestsPerSecond ?? DEFAULT_ENGINE_OPTIONS.requestsPerSecond;
  }

  /** The account's request budget: polls, history pages and /assets/download asks share it. */
  bucketFor(email: string): TokenBucket {
    let bucket = this.buckets.get(email);
    if (!bucket) {
      bucket = new TokenBucket(this.requestRate(), 1, this.bucketClock);
      this.buckets.set(email, bucket);
    }
    return bucket;
  }

  /** The request rate changed: every budget follows it from now on. */
  applyRequestRate(): void {
    for (const bucket of this.buckets.values()) bucket.setRate(this.requestRate());
  }

  /** Watermark-free copies asked for, and the watermarked one not wanted instead. */
  refusesWatermarked(options: SyncEngineOptions = this.options): boolean {
    return options.watermarkFree === true && options.fallbackToWatermarked === false;
  }

  /** The file rows a succeeded task should have under the current settings. */
  createFiles(taskId: string): void {
    this.library.createFileRows(taskId, { inputs: this.options.keepInputs !== false });
  }

  emitTaskChanged(taskId: string, message: string | null, added = false, retryAt?: number): void {
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

  onQuietChange(listener: () => void): () => void {
    this.quietChangeListeners.add(listener);
    return () => this.quietChangeListeners.delete(listener);
  }

  /** Something a task's report reads changed without an event saying so. */
  quietChange(): void {
    for (const listener of [...this.quietChangeListeners]) listener();
  }
}
