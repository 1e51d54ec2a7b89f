// The contract's method and event names as plain strings: the allow-lists of the preload and the
// adapters. Kept apart from the schemas so the sandboxed preload stays a few kilobytes; index.ts fails
// to compile if these lists and the contract's maps ever disagree.
export const METHOD_NAMES = [
  'app.info',
  'library.gallery',
  'library.seek',
  'library.counts',
  'library.work',
  'library.facets',
  'library.stats',
  'library.setFavorite',
  'library.remove',
  'library.verify',
  'library.rebuild',
  'library.openInFolder',
  'library.startDrag',
  'tasks.list',
  'tasks.add',
  'tasks.retry',
  'tasks.cancel',
  'tasks.redownload',
  'tasks.syncHistory',
  'accounts.list',
  'accounts.add',
  'accounts.update',
  'accounts.remove',
  'accounts.switch',
  'accounts.test',
  'accounts.import',
  'settings.get',
  'settings.update',
  'settings.moveLibrary',
  'watch.status',
  'watch.checkNow',
] as const;

export const EVENT_NAMES = [
  'task.changed',
  'download.progress',
  'file.archived',
  'account.paused',
  'history.progress',
  'accounts.changed',
  'settings.changed',
  'library.moveProgress',
  'watch.status',
] as const;

/** Electron IPC channels (preload ↔ main). */
export const IPC_INVOKE_CHANNEL = 'kling-archive:invoke';
export const IPC_EVENT_CHANNEL = 'kling-archive:event';
/** One-way (send): start an OS drag of a library file, synchronously in main as Electron requires. */
export const IPC_DRAG_CHANNEL = 'kling-archive:drag';
/** The privileged scheme the desktop app serves library media on: `kling-media://library/<path>`. */
export const MEDIA_SCHEME = 'kling-media';
