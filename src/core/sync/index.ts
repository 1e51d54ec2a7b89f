// The sync engine (Node only): polling, downloads, history walks, account pauses, task reports,
// events, lifecycle, over one injected clock.
export { SyncEngine } from './engine';
export { extractRawEntries } from './history';
export type {
  AddTasksOptions,
  AddTasksOutcome,
  EngineAccountConfig,
  HistoryOptions,
  HistoryOutcome,
  LiveEngineOptions,
  SyncEngineOptions,
  TaskReport,
} from './engine-types';
export { SyncEvents, CONTRACT_EVENT_NAMES } from './events';
export { systemClock } from './clock';
export type { EngineClock } from './clock';
export { DEFAULT_ENGINE_OPTIONS, engineOptionsFromSettings } from './options-from-settings';
export type { SyncEvent, SyncEventListener, SyncEventMap, SyncEventName } from './events';
export { NOT_KEPT_SUFFIX, REFUSED_PREFIX } from './watermark-free-text';
export { LibraryLockedError, acquireLibraryLock, LOCK_FILE } from './lock';
export type { LibraryLock } from './lock';
export { DownloadError, downloadFile, checkDownloadUrl } from './download';
export type { DownloadErrorCode, DownloadOptions, DownloadProgress, DownloadResult } from './download';
export { DEFAULT_POLL_POLICY } from './schedule';
export type { PollPolicy } from './schedule';
export { Watcher, localDay, systemWatchTimers, watchEngineOf } from './watcher';
export type {
  AccountWatchStatus,
  CheckOutcome,
  WatchEngine,
  WatchTimers,
  WatchedAccount,
  WatcherEvent,
  WatcherOptions,
} from './watcher';
