// What every view shares: the host's facts, the accounts, and the live picture the engine's events
// paint (downloads with their speed, history syncs, paused accounts, library changes).
// Events only bump versions or update small maps; the views refetch what they show.
import type {
  AccountsList,
  AccountWatchStatus,
  AppInfo,
  EventPayload,
  Settings,
} from '../../../shared/contract';
import type { LibraryStats } from '../../../shared/domain/library';
import type { ArchiveClient } from './backend';
import { notices } from './notices.svelte';

export interface DownloadView {
  taskId: string;
  relativePath: string;
  kind: string;
  bytesDone: number;
  bytesTotal: number | null;
  /** bytes per second over the last samples */
  rate: number;
  updatedAt: number;
}

type HistoryProgress = EventPayload<'history.progress'>;

class AppState {
  info = $state<AppInfo | null>(null);
  accounts = $state<AccountsList | null>(null);
  settings = $state<Settings | null>(null);
  stats = $state<LibraryStats | null>(null);
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  /** bumps (debounced) when works were added or changed: the gallery refetches */
  libraryVersion = $state(0);
  /** bumps (debounced) when tasks changed: the tasks view refetches */
  tasksVersion = $state(0);
  downloads = $state<Record<string, DownloadView>>({});
  history = $state<Record<string, HistoryProgress>>({});
  ready = $state(false);
  /** Automatic archiving per account id (watch.status), and whether the user paused it. */
  watch = $state<Record<string, AccountWatchStatus>>({});
  watchPaused = $state(false);

  private backend: ArchiveClient | null = null;
  private libraryTimer: ReturnType<typeof setTimeout> | undefined;
  private tasksTimer: ReturnType<typeof setTimeout> | undefined;

  get pausedAccounts() {
    return (this.accounts?.accounts ?? []).filter((account) => account.paused !== null);
  }

  /** Something is being archived right now: a check under way or a download. */
  get archiving(): boolean {
    return Object.values(this.watch).some((s) => s.checking) || Object.keys(this.downloads).length > 0;
  }

  get activeAccount() {
    const list = this.accounts;
    return list?.accounts.find((account) => account.id === list.activeAccountId) ?? null;
  }

  async start(backend: ArchiveClient): Promise<void> {
    this.backend = backend;
    window.addEventListener('online', () => (this.online = true));
    window.addEventListener('offline', () => (this.online = false));
    backend.on('task.changed', (event) => {
      this.bumpTasks();
      if (event.final) this.bumpLibrary();
    });
    backend.on('download.progress', (event) => this.onProgress(event));
    backend.on('file.archived', (event) => {
      const next = { ...this.downloads };
      delete next[event.relativePath];
      this.downloads = next;
      this.bumpLibrary();
      this.bumpTasks();
    });
    backend.on('account.paused', (event) => {
      void this.refreshAccounts();
      notices.push({ kind: 'error', title: `Syncing paused for ${event.email}`, detail: event.message });
    });
    backend.on('history.progress', (event) => {
      this.history = { ...this.history, [event.accountId]: event };
      if (event.done) {
        this.bumpTasks();
        this.bumpLibrary();
        if (event.error) notices.error('History sync stopped', event.error);
        else
          notices.success(
            'History sync finished',
            `${event.tasksAdded} new of ${event.tasksFound} tasks found`,
          );
      }
    });
    backend.on('accounts.changed', () => {
      void this.refreshAccounts();
      this.bumpLibrary();
    });
    backend.on('settings.changed', () => void this.refreshSettings());
    backend.on('watch.status', (event) => {
      const before = this.watch[event.accountId];
      this.watch = { ...this.watch, [event.accountId]: event };
      // A check that found something: the gallery and the queue show it.
      if (before?.checking && !event.checking) {
        this.bumpLibrary();
        this.bumpTasks();
      }
    });
    void this.refreshWatch();

    const [info] = await Promise.all([
      backend.call('app.info', {}),
      this.refreshAccounts(),
      this.refreshSettings(),
    ]);
    this.info = info;
    this.ready = true;
    // Statistics read the whole library; asked for once the gallery's first page is on its way,
    // so they never stand in front of it.
    void this.refreshStats();
  }

  async refreshAccounts(): Promise<void> {
    if (!this.backend) return;
    try {
      this.accounts = await this.backend.call('accounts.list', {});
    } catch (error) {
      notices.error('Could not load the accounts', error);
    }
  }

  async refreshWatch(): Promise<void> {
    if (!this.backend) return;
    try {
      const status = await this.backend.call('watch.status', {});
      this.watchPaused = status.paused;
      this.watch = Object.fromEntries(status.accounts.map((s) => [s.accountId, s]));
    } catch {
      // No watcher here (no sync engine): Settings says automatic archiving is not running.
    }
  }

  async refreshSettings(): Promise<void> {
    if (!this.backend) return;
    try {
      this.settings = await this.backend.call('settings.get', {});
    } catch (error) {
      notices.error('Could not load the settings', error);
    }
  }

  async refreshStats(): Promise<void> {
    if (!this.backend) return;
    try {
      this.stats = await this.backend.call('library.stats', {});
    } catch {
      // Statistics are decoration; the gallery reports real failures itself.
    }
  }

  bumpLibrary(): void {
    clearTimeout(this.libraryTimer);
    this.libraryTimer = setTimeout(() => {
      this.libraryVersion++;
      void this.refreshStats();
    }, 700);
  }

  bumpTasks(): void {
    clearTimeout(this.tasksTimer);
    this.tasksTimer = setTimeout(() => this.tasksVersion++, 250);
  }

  private onProgress(event: EventPayload<'download.progress'>): void {
    const now = performance.now();
    const previous = this.downloads[event.relativePath];
    let rate = previous?.rate ?? 0;
    if (previous && now > previous.updatedAt) {
      const instant = ((event.bytesDone - previous.bytesDone) * 1000) / (now - previous.updatedAt);
      // Smoothed, so the figure reads calmly.
      rate = previous.rate ? previous.rate * 0.7 + instant * 0.3 : instant;
    }
    this.downloads = {
      ...this.downloads,
      [event.relativePath]: {
        taskId: event.taskId,
        relativePath: event.relativePath,
        kind: event.kind,
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
        rate: Math.max(0, rate),
        updatedAt: now,
      },
    };
  }
}

export const app = new AppState();
