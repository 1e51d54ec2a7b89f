// What the handlers need from the sync engine (src/core/sync). The engine emits the contract's events
// on its own bus; the API forwards them to both adapters.
import type { WatchStatus } from '../../../shared/contract';
import type { EventBus } from '../event-bus';

export interface EngineAccount {
  /** The local account id (settings). */
  accountId: string;
  /** The Kling email the library files tasks under. */
  email: string;
}

export interface AddTasksOutcome {
  accepted: string[];
  /** Ids the library already tracks (under any account). */
  alreadyTracked: string[];
  /** The account each already tracked id is filed under (when known). */
  trackedUnder?: Record<string, string>;
}

export interface AddTasksOptions {
  /** The owner is not known: `account` is asked first, then every other account (the first that answers owns it). */
  findOwner?: boolean;
}

export interface Engine {
  /** Starts tracking these ids (valid, unique numeric strings) for the account. */
  addTasks(account: EngineAccount, taskIds: string[], options?: AddTasksOptions): Promise<AddTasksOutcome>;
  /** Polls a failed or given-up task again; throws ContractError('not_found') for an unknown id. */
  retryTask(taskId: string): Promise<void>;
  /** Stops polling and downloading a task; its files so far stay. */
  cancelTask(taskId: string): Promise<void>;
  /** Stops polling and downloading a task about to be removed, once its downloads let go of their files. */
  forgetTask(taskId: string): Promise<void>;
  /** Fetches one library file again. */
  redownloadFile(relativePath: string): Promise<void>;
  /** Starts walking the account's history; progress arrives as `history.progress` events. */
  syncHistory(account: EngineAccount): Promise<void>;
  /**
   * Stops using the library while `work` runs (moving it, rebuilding its index), then carries on
   * with the library in the (possibly new) folder from the settings.
   */
  whileLibraryClosed<T>(work: () => Promise<T>): Promise<T>;
  /** Accounts or tokens changed in settings (added, removed, new token): re-read them. */
  accountsChanged(): void;
  /**
   * The sync settings changed (settings.update): apply them to the running engine, without a
   * restart and without stopping the polls and downloads in flight.
   */
  settingsChanged(): void;
  /** Where watching stands per account (absent: this engine does not watch). */
  watchStatus?(): WatchStatus;
  /** Checks one account (local id) or every watched one now; resolves when done. */
  checkNow?(accountId?: string): Promise<void>;
  /** Pauses or resumes automatic archiving (the tray's "Pause archiving"). */
  setWatchingPaused?(paused: boolean): void;
  readonly events: Pick<EventBus, 'subscribe'>;
  close(): Promise<void>;
}
