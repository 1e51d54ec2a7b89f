// The watcher as the app shell runs it: made beside the sync engine from the settings (interval,
// catch-up, each account's switch), kept in step with them, pausable from the tray, and reporting
// through the contract's `watch.status` event. One per running engine (see engine-adapter.ts).
import type { Settings, WatchStatus } from '../../../shared/contract';
import type { Library } from '../../library';
import { Watcher, watchEngineOf } from '../../sync';
import type { EngineAccountConfig, SyncEngine, WatchTimers, WatchedAccount } from '../../sync';
import type { StoredAccount } from '../../settings/schema';
import type { EventBus } from '../event-bus';
import type { Logger } from '../logger';

export interface WatchingOptions {
  /** Overrides the settings' interval (the demo checks every few seconds). */
  intervalMs?: number;
  timers?: WatchTimers;
}

export function watcherSettings(settings: Settings, options: WatchingOptions = {}) {
  return {
    intervalMs: options.intervalMs ?? settings.watching.intervalMinutes * 60_000,
    catchUpDays: settings.watching.catchUpDays,
  };
}

/** The engine's accounts (those with a token) with their watch switch from the settings. */
export function watchedAccounts(
  engineAccounts: readonly EngineAccountConfig[],
  stored: readonly StoredAccount[],
): WatchedAccount[] {
  return engineAccounts.map(({ accountId, email }) => ({
    accountId,
    email,
    watch: stored.find((account) => account.id === accountId)?.watch ?? true,
  }));
}

export class Watching {
  readonly watcher: Watcher;
  private readonly unsubscribe: () => void;

  constructor(
    engine: SyncEngine,
    library: Library,
    settings: Settings & { accounts: StoredAccount[] },
    accounts: readonly EngineAccountConfig[],
    private readonly bus: EventBus,
    log: Logger,
    private readonly options: WatchingOptions = {},
    private paused = false,
  ) {
    this.watcher = new Watcher({
      engine: watchEngineOf(engine),
      store: library.watchState,
      accounts: watchedAccounts(accounts, settings.accounts),
      ...watcherSettings(settings, options),
      ...(options.timers ? { timers: options.timers } : {}),
    });
    this.unsubscribe = this.watcher.subscribe((event) => {
      if (event.name === 'watch.status') bus.emit('watch.status', event.payload);
      else if (event.payload.error && event.payload.error !== 'stopped')
        log.warn(`checking ${event.payload.email} for new tasks failed: ${event.payload.error}`);
      else if (event.payload.newTaskIds.length > 0)
        log.info(`${event.payload.newTaskIds.length} new task(s) found for ${event.payload.email}`);
    });
  }

  start(): void {
    if (!this.paused) this.watcher.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.watcher.stop();
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) void this.watcher.stop().then(() => this.emitAll());
    else this.watcher.start();
  }

  status(): WatchStatus {
    return { paused: this.paused, accounts: this.watcher.status() };
  }

  settingsChanged(settings: Settings): void {
    this.watcher.configure(watcherSettings(settings, this.options));
  }

  accountsChanged(accounts: readonly EngineAccountConfig[], stored: readonly StoredAccount[]): void {
    this.watcher.setAccounts(watchedAccounts(accounts, stored));
  }

  async checkNow(accountId?: string): Promise<void> {
    await this.watcher.checkNow(accountId);
  }

  /** Paused: every account says it is not watching any more. */
  private emitAll(): void {
    for (const status of this.watcher.status()) this.bus.emit('watch.status', status);
  }
}
