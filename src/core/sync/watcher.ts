// Watching accounts: every `intervalMs` each watched account's task list is read newest first, and
// the walk goes back only until a page brings nothing new, so a quiet check costs one request. What
// is new is ingested by the engine's own history walk (finished tasks to the downloader, running
// ones to the poller) and shares the account's request budget with polls and downloads.
//
// Catching up: the first check runs at once on start (and on wake or reconnection), bounded by
// `catchUpDays`. A walk that stops half way (app closed, network gone) leaves its cursor in the
// library (watch_state.resume_before); the next check reads the new head first, then resumes there.
import type { WatchStateStore } from '../library';
import type { HistoryOptions, HistoryOutcome } from './engine-types';
import type { SyncEvents } from './events';
import { systemClock, type EngineClock } from './clock';

const DAY_MS = 86_400_000;

/** The watcher's clock and timers: the engine's clock seam (the real ones in the app, a manual one in tests). */
export type WatchTimers = EngineClock;

export const systemWatchTimers: WatchTimers = systemClock;

/** What the watcher needs of the engine: its history walk and its events. */
export interface WatchEngine {
  syncHistory(email: string, options: HistoryOptions): Promise<HistoryOutcome>;
  readonly events: Pick<SyncEvents, 'subscribe'>;
  /** The account of a task in the library (to count the works that arrive per account). */
  taskAccount(taskId: string): string | null;
}

export interface WatchedAccount {
  accountId: string;
  email: string;
  /** The per-account switch (default on). */
  watch: boolean;
}

export interface WatcherOptions {
  engine: WatchEngine;
  store: WatchStateStore;
  accounts: readonly WatchedAccount[];
  intervalMs: number;
  catchUpDays: number;
  /** Tasks per listing page (default 50). */
  pageSize?: number;
  /** After a failed check (network down), the next one comes this soon at most (default 60 s). */
  retryMs?: number;
  timers?: WatchTimers;
}

/** Where one account's watching stands, for the UI and the CLI. */
export interface AccountWatchStatus {
  accountId: string;
  email: string;
  watching: boolean;
  checking: boolean;
  /** A catch-up walk is unfinished (it resumes at the next check). */
  catchingUp: boolean;
  lastCheckedAt: number | null;
  nextCheckAt: number | null;
  lastError: string | null;
  /** Works archived for this account today (local day). */
  arrivedToday: number;
}

export interface CheckOutcome {
  accountId: string;
  email: string;
  /** Tasks the library did not hold before this check. */
  newTaskIds: string[];
  /** Every task the check listed (new and known). */
  seenTaskIds: string[];
  pages: number;
  error: string | null;
}

export type WatcherEvent =
  { name: 'watch.status'; payload: AccountWatchStatus } | { name: 'watch.checked'; payload: CheckOutcome };

interface Entry {
  account: WatchedAccount;
  timer: unknown;
  nextCheckAt: number | null;
  running: Promise<CheckOutcome> | null;
  controller: AbortController | null;
}

/** A local YYYY-MM-DD: "today" is the user's day. */
export function localDay(at: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export class Watcher {
  private readonly timers: WatchTimers;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(event: WatcherEvent) => void>();
  private options: WatcherOptions;
  private running = false;
  private unsubscribe: (() => void) | null = null;

  constructor(options: WatcherOptions) {
    this.options = options;
    this.timers = options.timers ?? systemWatchTimers;
    this.setAccounts(options.accounts);
  }

  /** Starts watching: every watched account is checked at once (catching up), then every interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.countArrivals();
    for (const entry of this.entries.values()) if (entry.account.watch) this.schedule(entry, 0);
  }

  /** Stops the timers and the walks under way (their cursors stay for the next start). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.running = false;
    const walks: Promise<unknown>[] = [];
    for (const entry of this.entries.values()) {
      this.clearTimer(entry);
      entry.controller?.abort();
      if (entry.running) walks.push(entry.running);
    }
    await Promise.allSettled(walks);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Changed settings, live: a new interval reschedules the waiting checks from their last one. */
  configure(changes: Partial<Pick<WatcherOptions, 'intervalMs' | 'catchUpDays'>>): void {
    const before = this.options.intervalMs;
    this.options = { ...this.options, ...changes };
    if (!this.running || this.options.intervalMs === before) return;
    for (const entry of this.entries.values()) {
      if (!entry.account.watch || entry.running) continue;
      const last = this.options.store.get(entry.account.email).lastCheckedAt ?? this.timers.now();
      this.schedule(entry, Math.max(0, last + this.options.intervalMs - this.timers.now()));
    }
  }

  /** Replaces the accounts (settings changed): new or switched-on accounts are checked at once. */
  setAccounts(accounts: readonly WatchedAccount[]): void {
    const next = new Map(accounts.map((account) => [account.email, account]));
    for (const [email, entry] of this.entries) {
      if (next.has(email)) continue;
      this.clearTimer(entry);
      entry.controller?.abort();
      this.entries.delete(email);
    }
    for (const account of accounts) {
      const entry = this.entries.get(account.email);
      if (!entry) {
        const created: Entry = { account, timer: null, nextCheckAt: null, running: null, controller: null };
        this.entries.set(account.email, created);
        if (this.running && account.watch) this.schedule(created, 0);
        continue;
      }
      const switchedOn = account.watch && !entry.account.watch;
      entry.account = account;
      if (!account.watch) {
        this.clearTimer(entry);
        this.emitStatus(entry);
      } else if (switchedOn && this.running) this.schedule(entry, 0);
    }
  }

  /**
   * Checks now: one account (by local id) or every watched one. Answers when the checks are done;
   * a check already under way is joined, not doubled.
   */
  async checkNow(accountId?: string): Promise<CheckOutcome[]> {
    const chosen = [...this.entries.values()].filter((entry) =>
      accountId === undefined ? entry.account.watch : entry.account.accountId === accountId,
    );
    return Promise.all(chosen.map((entry) => this.check(entry)));
  }

  /** The machine woke up or the network came back: check every watched account now. */
  wake(): void {
    if (!this.running) return;
    for (const entry of this.entries.values()) if (entry.account.watch) this.schedule(entry, 0);
  }

  status(): AccountWatchStatus[] {
    return [...this.entries.values()].map((entry) => this.statusOf(entry));
  }

  subscribe(listener: (event: WatcherEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────

  private statusOf(entry: Entry): AccountWatchStatus {
    const { email, accountId } = entry.account;
    const state = this.options.store.get(email);
    return {
      accountId,
      email,
      watching: entry.account.watch && this.running,
      checking: entry.running !== null,
      catchingUp: state.resumeBefore !== null,
      lastCheckedAt: state.lastCheckedAt,
      nextCheckAt: entry.account.watch && this.running ? entry.nextCheckAt : null,
      lastError: state.lastError,
      arrivedToday: state.arrivalsDay === localDay(this.timers.now()) ? state.arrivals : 0,
    };
  }

  private emit(event: WatcherEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken listener must not stop the watcher.
      }
    }
  }

  private emitStatus(entry: Entry): void {
    this.emit({ name: 'watch.status', payload: this.statusOf(entry) });
  }

  private clearTimer(entry: Entry): void {
    if (entry.timer !== null) this.timers.clearTimer(entry.timer);
    entry.timer = null;
    entry.nextCheckAt = null;
  }

  private schedule(entry: Entry, delayMs: number): void {
    this.clearTimer(entry);
    if (!this.running || !entry.account.watch) return;
    entry.nextCheckAt = this.timers.now() + delayMs;
    entry.timer = this.timers.setTimer(() => {
      entry.timer = null;
      void this.check(entry);
    }, delayMs);
    this.emitStatus(entry);
  }

  /** Counts the works archived per account from now on (until stop), once. */
  private countArrivals(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.options.engine.events.subscribe((event) => {
      if (event.name !== 'file.archived') return;
      if (event.payload.kind !== 'video' && event.payload.kind !== 'image') return;
      this.countArrival(event.payload.taskId);
    });
  }

  private countArrival(taskId: string): void {
    const email = this.options.engine.taskAccount(taskId);
    if (email === null || !this.entries.has(email)) return;
    this.options.store.recordArrivals(email, localDay(this.timers.now()), 1);
    const entry = this.entries.get(email);
    if (entry) this.emitStatus(entry);
  }

  private check(entry: Entry): Promise<CheckOutcome> {
    if (entry.running) {
      // A walk being stopped (pause, account switched off) is still winding down: this one follows it.
      if (entry.controller?.signal.aborted) return entry.running.then(() => this.check(entry));
      return entry.running;
    }
    this.countArrivals();
    this.clearTimer(entry);
    const controller = new AbortController();
    entry.controller = controller;
    const run = this.walk(entry.account, controller.signal).finally(() => {
      entry.running = null;
      entry.controller = null;
    });
    entry.running = run;
    this.emitStatus(entry);
    return run.then((outcome) => {
      const failed = outcome.error !== null;
      const retry = Math.min(this.options.intervalMs, this.options.retryMs ?? 60_000);
      if (this.entries.get(entry.account.email) === entry) {
        if (this.running) this.schedule(entry, failed ? retry : this.options.intervalMs);
        else this.emitStatus(entry);
      }
      this.emit({ name: 'watch.checked', payload: outcome });
      return outcome;
    });
  }

  /** One check: the new head of the list, then the rest of an unfinished catch-up. */
  private async walk(account: WatchedAccount, signal: AbortSignal): Promise<CheckOutcome> {
    const { store, engine } = this.options;
    const { email, accountId } = account;
    const started = this.timers.now();
    const since = started - this.options.catchUpDays * DAY_MS;
    const pending = store.get(email).resumeBefore;
    // The engine announces each task its walk inserts: those are this check's arrivals.
    const arrived = new Set<string>();
    const stopListening = engine.events.subscribe((event) => {
      if (event.name === 'task.changed' && event.payload.added && event.payload.account === email)
        arrived.add(event.payload.taskId);
    });
    const common: HistoryOptions = { since, pageSize: this.options.pageSize ?? 50, signal, quiet: true };
    const seen: string[] = [];
    let pages = 0;
    let error: string | null;
    try {
      // While an older walk waits to resume, this head walk keeps no cursor of its own: if it
      // stops, the next check reads the head again (nothing is downloaded twice) and then resumes.
      const head = await engine.syncHistory(email, {
        ...common,
        ...(pending === null ? { onPage: (cursor: number) => store.recordResume(email, cursor) } : {}),
      });
      seen.push(...head.taskIds);
      pages += head.pages;
      error = head.error;
      if (error === null && pending !== null) {
        const rest = await engine.syncHistory(email, {
          ...common,
          before: pending,
          onPage: (cursor) => store.recordResume(email, cursor),
        });
        seen.push(...rest.taskIds);
        pages += rest.pages;
        error = rest.error;
      }
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
    } finally {
      stopListening();
    }
    if (error === null) store.recordResume(email, null);
    // A walk stopped on purpose did not fail: the last check stays the last one that ended.
    if (!signal.aborted) store.recordChecked(email, this.timers.now(), error);
    return {
      accountId,
      email,
      newTaskIds: [...new Set(seen)].filter((id) => arrived.has(id)),
      seenTaskIds: [...new Set(seen)],
      pages,
      error,
    };
  }
}

/** The watcher's view of a sync engine (its history walk, its events, its library's tasks). */
export function watchEngineOf(engine: {
  syncHistory(email: string, options: HistoryOptions): Promise<HistoryOutcome>;
  readonly events: Pick<SyncEvents, 'subscribe'>;
  readonly library: { task(taskId: string): { email: string } | undefined | null };
}): WatchEngine {
  return {
    syncHistory: (email, options) => engine.syncHistory(email, options),
    events: engine.events,
    taskAccount: (taskId) => engine.library.task(taskId)?.email ?? null,
  };
}
