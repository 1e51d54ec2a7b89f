// The app shell's `Engine` over the real sync engine (src/core/sync). Kept out of index.ts: importing
// it loads better-sqlite3, which the composition roots do after the ABI check.
// The engine runs on the process's one library (the handle the handlers use too), reads accounts
// from the settings and tokens from the secret store, turns the engine's answers into
// ContractErrors and forwards only the contract's events. The sync settings reach the engine when
// it starts and again, live, whenever they change (settingsChanged).
import { ContractError } from '../../../shared/contract';
import type { Settings, WatchStatus } from '../../../shared/contract';
import { CONTRACT_EVENT_NAMES, engineOptionsFromSettings, LibraryLockedError, SyncEngine } from '../../sync';
import type { EngineAccountConfig, LiveEngineOptions, SyncEngineOptions, SyncEvent } from '../../sync';
import type { SecretStore } from '../../settings/secret-store';
import type { SettingsStore } from '../../settings/store';
import { DEFAULT_API_BASE } from '../../settings/schema';
import { apiOrigin } from '../../useapi/base-url';
import { createEventBus } from '../event-bus';
import type { EventBus } from '../event-bus';
import type { AddTasksOptions, Engine, EngineAccount } from '../ports/engine-port';
import type { LibraryHandle } from '../ports/library-port';
import { silentLogger } from '../logger';
import type { Logger } from '../logger';
import { Watching } from './watching';
import type { WatchingOptions } from './watching';

/** Engine options besides the settings' (tests: faster polling, no lock, a clock). */
export type ExtraEngineOptions = Partial<Omit<SyncEngineOptions, 'library' | 'accounts'>>;

export interface EngineAdapterOptions {
  settings: SettingsStore;
  secrets: SecretStore;
  /** The process's one library, shared with the handlers. */
  library: LibraryHandle;
  log?: Logger | undefined;
  /**
   * Extra engine options. They win over the values from the settings, now and after every settings
   * change; `pollPolicy` is merged field by field.
   */
  engineOptions?: ExtraEngineOptions;
  /** Watch the accounts for new tasks (default: on, as the settings say); false: never. */
  watch?: WatchingOptions | false;
}

export interface EngineAdapter extends Engine {
  /** Opens the library from the settings and starts polling and downloading. */
  start(): void;
  readonly running: boolean;
  /** The machine woke up or the network came back: check every watched account now. */
  wakeWatching(): void;
  watchStatus(): WatchStatus;
  setWatchingPaused(paused: boolean): void;
}

const FORWARDED = new Set<string>(CONTRACT_EVENT_NAMES);

/** The configured accounts with their tokens; an account whose token is missing is left out. */
export function engineAccounts(
  settings: SettingsStore,
  secrets: SecretStore,
  log: Logger = silentLogger,
): EngineAccountConfig[] {
  const accounts: EngineAccountConfig[] = [];
  const { accounts: configured, apiBase } = settings.read();
  const origin = apiOrigin(apiBase);
  for (const account of configured) {
    // Only a token given for the API host now set: it is never sent to another one.
    const token = secrets.tokenFor(account.tokenId, origin);
    if (token === undefined) {
      log.warn(
        secrets.get(account.tokenId) === undefined
          ? `account ${account.label} has no stored token; it is not synced`
          : `account ${account.label}'s token was given for another API host than ${origin}; it is not synced until entered again`,
      );
      continue;
    }
    accounts.push({ accountId: account.id, email: account.email, token });
  }
  return accounts;
}

/**
 * The settings' engine options with the extra options on top (`pollPolicy` merged field by field),
 * and of those the ones the engine can change while it runs: the keys the settings give it.
 */
export function engineOptions(settings: Settings, extra: ExtraEngineOptions = {}) {
  const fromSettings = engineOptionsFromSettings(settings);
  const all: ExtraEngineOptions = {
    ...fromSettings,
    ...extra,
    pollPolicy: { ...fromSettings.pollPolicy, ...extra.pollPolicy },
  };
  const liveKeys = Object.keys(fromSettings) as (keyof LiveEngineOptions)[];
  const live = Object.fromEntries(liveKeys.map((key) => [key, all[key]])) as LiveEngineOptions;
  return { all, live };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function notFound(message: string): never {
  throw new ContractError('not_found', message);
}

class SyncEngineAdapter implements EngineAdapter {
  readonly events: EventBus;
  private readonly log: Logger;
  private engine: SyncEngine | null = null;
  private unsubscribe: (() => void) | null = null;
  private watching: Watching | null = null;
  private watchingPaused = false;
  // Moving or rebuilding the library: calls wait for it instead of touching a closed database.
  private closedWhile: Promise<unknown> | null = null;

  constructor(private readonly options: EngineAdapterOptions) {
    this.log = options.log ?? silentLogger;
    this.events = createEventBus((message) => this.log.warn(message));
  }

  get running(): boolean {
    return this.engine !== null;
  }

  private accounts(log: Logger = this.log): EngineAccountConfig[] {
    return engineAccounts(this.options.settings, this.options.secrets, log);
  }

  start(): void {
    if (this.engine) return;
    const library = this.options.library.open();
    let created: SyncEngine;
    try {
      created = new SyncEngine({
        library,
        accounts: this.accounts(),
        ...engineOptions(this.options.settings.read(), this.options.engineOptions).all,
      });
      created.start();
    } catch (error) {
      if (error instanceof LibraryLockedError) throw new ContractError('conflict', error.message);
      throw new ContractError('unavailable', `The sync engine cannot start: ${describe(error)}`);
    }
    this.unsubscribe = created.events.subscribe((event: SyncEvent) => {
      if (FORWARDED.has(event.name)) this.events.emit(event.name as never, event.payload as never);
    });
    this.engine = created;
    if (this.options.watch !== false) this.startWatching(created, library);
  }

  private startWatching(engine: SyncEngine, library: ReturnType<LibraryHandle['open']>): void {
    const settings = this.options.settings.read();
    const accounts = this.accounts(silentLogger);
    const { events, log, watchingPaused } = this;
    this.watching = new Watching(
      engine,
      library,
      settings,
      accounts,
      events,
      log,
      this.options.watch || {},
      watchingPaused,
    );
    this.watching.start();
  }

  /** Stops the engine; the library stays open (it is the handlers' too). */
  private async stop(): Promise<void> {
    const current = this.engine;
    this.engine = null;
    await this.watching?.stop();
    this.watching = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await current?.stop();
  }

  /** The running engine, started on first use. */
  private async current(): Promise<SyncEngine> {
    while (this.closedWhile) await this.closedWhile.catch(() => undefined);
    this.start();
    return this.engine as SyncEngine;
  }

  async addTasks(account: EngineAccount, taskIds: string[], addOptions?: AddTasksOptions) {
    const engine = await this.current();
    if (!engine.activeAccounts().includes(account.email) && engine.accountPause(account.email) === null) {
      // The account may have been added since the engine last read the settings.
      engine.setAccounts(this.accounts());
    }
    return engine.addTasks(account.email, taskIds, addOptions);
  }

  async retryTask(taskId: string): Promise<void> {
    if (!(await this.current()).retryTask(taskId)) notFound(`No task ${taskId} in the library.`);
  }

  async cancelTask(taskId: string): Promise<void> {
    if (!(await this.current()).cancelTask(taskId)) notFound(`No task ${taskId} in the library.`);
  }

  async forgetTask(taskId: string): Promise<void> {
    await this.engine?.forgetTask(taskId);
  }

  async redownloadFile(relativePath: string): Promise<void> {
    if (!(await this.current()).redownloadFile(relativePath))
      notFound(`No library file ${relativePath} to download again.`);
  }

  async syncHistory(account: EngineAccount): Promise<void> {
    const engine = await this.current();
    // The walk takes a while: the call answers at once and progress arrives as events.
    void engine.syncHistory(account.email).then(
      (outcome) => {
        if (outcome.error) this.log.warn(`history of ${account.email}: ${outcome.error}`);
      },
      (error: unknown) => this.log.error(`history of ${account.email} failed: ${describe(error)}`),
    );
  }

  async whileLibraryClosed<T>(work: () => Promise<T>): Promise<T> {
    while (this.closedWhile) await this.closedWhile.catch(() => undefined);
    const done = this.closedFor(work);
    this.closedWhile = done;
    try {
      return await done;
    } finally {
      this.closedWhile = null;
    }
  }

  private async closedFor<T>(work: () => Promise<T>): Promise<T> {
    const wasRunning = this.engine !== null;
    await this.stop();
    this.options.library.close();
    try {
      return await work();
    } finally {
      if (wasRunning) {
        try {
          this.start();
        } catch (error) {
          this.log.error(`the sync engine did not restart: ${describe(error)}`);
        }
      }
    }
  }

  accountsChanged(): void {
    const accounts = this.accounts();
    this.engine?.setAccounts(accounts);
    this.watching?.accountsChanged(accounts, this.options.settings.read().accounts);
  }

  watchStatus(): WatchStatus {
    return this.watching?.status() ?? { paused: this.watchingPaused, accounts: [] };
  }

  async checkNow(accountId?: string): Promise<void> {
    await this.current();
    await this.watching?.checkNow(accountId);
  }

  wakeWatching(): void {
    this.watching?.watcher.wake();
  }

  setWatchingPaused(paused: boolean): void {
    this.watchingPaused = paused;
    this.watching?.setPaused(paused);
  }

  settingsChanged(): void {
    const engine = this.engine;
    // Not running: the next start reads the settings anyway.
    if (!engine) return;
    const settings = this.options.settings.read();
    this.watching?.settingsChanged(settings);
    const { live } = engineOptions(settings, this.options.engineOptions);
    // Another API host: the engine lets every account go, moves, then takes back only the accounts
    // whose tokens were given for the new host. No token ever meets a client for another host.
    const moving =
      apiOrigin(live.apiBase ?? DEFAULT_API_BASE) !==
      apiOrigin(engine.currentOptions.apiBase ?? DEFAULT_API_BASE);
    if (moving) engine.setAccounts([]);
    try {
      engine.configure(live);
    } catch (error) {
      // The settings are saved; the engine keeps its previous values until they work.
      this.log.error(`the sync engine kept its previous settings: ${describe(error)}`);
      return;
    }
    if (moving) engine.setAccounts(this.accounts());
  }

  close(): Promise<void> {
    return this.stop();
  }
}

export function createEngineAdapter(options: EngineAdapterOptions): EngineAdapter {
  return new SyncEngineAdapter(options);
}
