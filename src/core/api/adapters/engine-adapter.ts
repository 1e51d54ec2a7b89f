// The app shell's `Engine` over the real sync engine (src/core/sync). Kept out of index.ts: importing
// it loads better-sqlite3, which the composition roots do after the ABI check.
// The adapter owns the engine's own connection to the library (the handlers keep theirs: SQLite in
// WAL mode serves both), reads accounts from the settings and tokens from the secret store, turns
// the engine's answers into ContractErrors and forwards only the contract's events. The sync
// settings reach the engine when it starts and again, live, whenever they change (settingsChanged).
import { ContractError } from '../../../shared/contract';
import type { WatchStatus } from '../../../shared/contract';
import { openLibrary as openLibraryModule } from '../../library';
import type { Library, LibraryOptions } from '../../library';
import { CONTRACT_EVENT_NAMES, engineOptionsFromSettings, LibraryLockedError, SyncEngine } from '../../sync';
import type { EngineAccountConfig, LiveEngineOptions, SyncEngineOptions, SyncEvent } from '../../sync';

export { engineOptionsFromSettings };
import type { SecretStore } from '../../settings/secret-store';
import type { SettingsStore } from '../../settings/store';
import { DEFAULT_API_BASE } from '../../settings/schema';
import { apiOrigin } from '../../useapi/base-url';
import { createEventBus } from '../event-bus';
import type { AddTasksOptions, Engine, EngineAccount } from '../ports/engine-port';
import { silentLogger } from '../logger';
import type { Logger } from '../logger';
import { Watching } from './watching';
import type { WatchingOptions } from './watching';

export interface EngineAdapterOptions {
  settings: SettingsStore;
  secrets: SecretStore;
  log?: Logger | undefined;
  /** Opens the engine's connection to the library (default: the library module). */
  openLibrary?: (folder: string, options?: LibraryOptions) => Library;
  /**
   * Extra engine options (tests: faster polling, no lock, a clock). They win over the values from
   * the settings, now and after every settings change; `pollPolicy` is merged field by field.
   */
  engineOptions?: Partial<Omit<SyncEngineOptions, 'library' | 'accounts'>>;
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createEngineAdapter(options: EngineAdapterOptions): EngineAdapter {
  const log = options.log ?? silentLogger;
  const open = options.openLibrary ?? openLibraryModule;
  const bus = createEventBus((message) => log.warn(message));
  let engine: SyncEngine | null = null;
  let library: Library | null = null;
  let unsubscribe: (() => void) | null = null;
  let watching: Watching | null = null;
  let watchingPaused = false;
  // Moving or rebuilding the library: calls wait for it instead of touching a closed database.
  let closedWhile: Promise<unknown> | null = null;
  // Told when the engine's connection meets a damaged index (the engine swallows its own failures).
  const damageListeners = new Set<(error: Error) => void>();
  // Told after the current call returns: a heal closes the library, which must not happen inside
  // start() or a statement of the engine's.
  const onCorruption = (error: Error) => {
    queueMicrotask(() => {
      for (const listener of damageListeners) listener(error);
    });
  };

  const forward = (event: SyncEvent) => {
    if (!FORWARDED.has(event.name)) return;
    bus.emit(event.name as never, event.payload as never);
  };

  /** The settings' engine options with the adapter's extra options on top. */
  function liveOptions(): LiveEngineOptions & Partial<Omit<SyncEngineOptions, 'library' | 'accounts'>> {
    const fromSettings = engineOptionsFromSettings(options.settings.read());
    const extra = options.engineOptions ?? {};
    return {
      ...fromSettings,
      ...extra,
      pollPolicy: { ...fromSettings.pollPolicy, ...extra.pollPolicy },
    };
  }

  function start(): void {
    if (engine) return;
    const folder = options.settings.read().libraryFolder;
    let opened: Library;
    try {
      opened = open(folder, { onCorruption });
    } catch (error) {
      throw new ContractError('unavailable', `The library in ${folder} cannot be opened: ${describe(error)}`);
    }
    let created: SyncEngine;
    try {
      created = new SyncEngine({
        library: opened,
        accounts: engineAccounts(options.settings, options.secrets, log),
        ...liveOptions(),
      });
    } catch (error) {
      opened.close();
      throw new ContractError('unavailable', `The sync engine cannot start: ${describe(error)}`);
    }
    try {
      created.start();
    } catch (error) {
      opened.close();
      if (error instanceof LibraryLockedError) throw new ContractError('conflict', error.message);
      throw new ContractError('unavailable', `The sync engine cannot start: ${describe(error)}`);
    }
    unsubscribe = created.events.subscribe(forward);
    engine = created;
    library = opened;
    if (options.watch !== false) {
      const settings = options.settings.read();
      const accounts = engineAccounts(options.settings, options.secrets);
      watching = new Watching(created, opened, settings, accounts, bus, log, options.watch, watchingPaused);
      watching.start();
    }
  }

  async function stop(): Promise<void> {
    const current = engine;
    engine = null;
    await watching?.stop();
    watching = null;
    unsubscribe?.();
    unsubscribe = null;
    await current?.stop();
    library?.close();
    library = null;
  }

  /** The running engine, started on first use. */
  async function running(): Promise<SyncEngine> {
    while (closedWhile) await closedWhile.catch(() => undefined);
    start();
    return engine as SyncEngine;
  }

  return {
    events: bus,
    start,
    get running() {
      return engine !== null;
    },
    async addTasks(account: EngineAccount, taskIds: string[], addOptions?: AddTasksOptions) {
      const current = await running();
      if (!current.activeAccounts().includes(account.email) && current.accountPause(account.email) === null) {
        // The account may have been added since the engine last read the settings.
        current.setAccounts(engineAccounts(options.settings, options.secrets, log));
      }
      return current.addTasks(account.email, taskIds, addOptions);
    },
    async retryTask(taskId) {
      if (!(await running()).retryTask(taskId))
        throw new ContractError('not_found', `No task ${taskId} in the library.`);
    },
    async cancelTask(taskId) {
      if (!(await running()).cancelTask(taskId))
        throw new ContractError('not_found', `No task ${taskId} in the library.`);
    },
    async forgetTask(taskId) {
      await engine?.forgetTask(taskId);
    },
    async redownloadFile(relativePath) {
      if (!(await running()).redownloadFile(relativePath))
        throw new ContractError('not_found', `No library file ${relativePath} to download again.`);
    },
    async syncHistory(account) {
      const current = await running();
      // The walk takes a while: the call answers at once and progress arrives as events.
      void current.syncHistory(account.email).then(
        (outcome) => {
          if (outcome.error) log.warn(`history of ${account.email}: ${outcome.error}`);
        },
        (error: unknown) => log.error(`history of ${account.email} failed: ${describe(error)}`),
      );
    },
    async whileLibraryClosed<T>(work: () => Promise<T>): Promise<T> {
      while (closedWhile) await closedWhile.catch(() => undefined);
      const wasRunning = engine !== null;
      const done = (async () => {
        await stop();
        try {
          return await work();
        } finally {
          if (wasRunning) {
            try {
              start();
            } catch (error) {
              log.error(`the sync engine did not restart: ${describe(error)}`);
            }
          }
        }
      })();
      closedWhile = done;
      try {
        return await done;
      } finally {
        closedWhile = null;
      }
    },
    accountsChanged() {
      const accounts = engineAccounts(options.settings, options.secrets, log);
      engine?.setAccounts(accounts);
      watching?.accountsChanged(accounts, options.settings.read().accounts);
    },
    watchStatus() {
      return watching?.status() ?? { paused: watchingPaused, accounts: [] };
    },
    async checkNow(accountId) {
      await running();
      await watching?.checkNow(accountId);
    },
    wakeWatching() {
      watching?.watcher.wake();
    },
    setWatchingPaused(paused) {
      watchingPaused = paused;
      watching?.setPaused(paused);
    },
    settingsChanged() {
      // Not running: the next start reads the settings anyway.
      if (!engine) return;
      watching?.settingsChanged(options.settings.read());
      const next = liveOptions();
      // Another API host: the engine lets every account go, moves, then takes back only the accounts
      // whose tokens were given for the new host. No token ever meets a client for another host.
      const moving =
        apiOrigin(next.apiBase ?? DEFAULT_API_BASE) !==
        apiOrigin(engine.currentOptions.apiBase ?? DEFAULT_API_BASE);
      if (moving) engine.setAccounts([]);
      try {
        engine.configure({
          apiBase: next.apiBase,
          requestsPerSecond: next.requestsPerSecond,
          downloadConcurrency: next.downloadConcurrency,
          watermarkFree: next.watermarkFree,
          fallbackToWatermarked: next.fallbackToWatermarked,
          keepInputs: next.keepInputs,
          pollPolicy: next.pollPolicy,
        });
      } catch (error) {
        // The settings are saved; the engine keeps its previous values until they work.
        log.error(`the sync engine kept its previous settings: ${describe(error)}`);
        return;
      }
      if (moving) engine.setAccounts(engineAccounts(options.settings, options.secrets, log));
    },
    onLibraryDamaged(listener) {
      damageListeners.add(listener);
      return () => damageListeners.delete(listener);
    },
    close: stop,
  };
}
