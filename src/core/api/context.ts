// What the handlers are given: the settings and secrets, the library and engine when present, the
// desktop shell in the app, and the per-call context an adapter supplies.
import type { MethodName, MethodOutput, MethodParams, SettingOverride } from '../../shared/contract';
import type { SecretStore } from '../settings/secret-store';
import type { SettingsStore } from '../settings/store';
import type { Engine } from './engine';
import type { EventBus } from './event-bus';
import type { HealLibrary, LibraryPort, OpenLibrary, RebuildLibrary } from './library-port';
import type { Logger } from './logger';
import type { CreateAccountsClient } from './useapi-port';

/** What only the desktop app can do. */
export interface DesktopShell {
  openInFolder(absolutePath: string): void;
  notifications: boolean;
}

/** Supplied by the adapter for each call. */
export interface CallContext {
  /** Electron: starts dragging a file out of the calling window. */
  startDrag?: (absolutePath: string) => void;
}

export interface ApiDeps {
  mode: 'desktop' | 'headless';
  version: string;
  settings: SettingsStore;
  secrets: SecretStore;
  /** Absent until the library module is wired in: library methods then answer `unavailable`. */
  openLibrary?: OpenLibrary | undefined;
  rebuildLibrary?: RebuildLibrary | undefined;
  /** Absent: a damaged index met by a call is only reported, not rebuilt. */
  healLibrary?: HealLibrary | undefined;
  /** Absent until the sync engine exists: its methods then answer `unavailable`. */
  engine?: Engine | undefined;
  /** Absent: accounts.test / accounts.import answer `unavailable`. */
  accountsClient?: CreateAccountsClient | undefined;
  shell?: DesktopShell | undefined;
  /** The demo (app.info says so), with the settings it overrides where it applies them. */
  demo?: { overriddenSettings: readonly SettingOverride[] } | undefined;
  log?: Logger | undefined;
  /** Check every answer against the contract before it leaves (default: on). */
  validateOutputs?: boolean | undefined;
}

export interface HandlerContext {
  deps: ApiDeps;
  events: EventBus;
  log: Logger;
  call: CallContext;
  /** The open library, opened on first use; throws `unavailable` when there is none. */
  library(): Promise<LibraryPort>;
  /** Closes the library (before moving it) and forgets it. */
  closeLibrary(): Promise<void>;
  /** Pauses reported by the engine, by account id (cleared when the account's token changes). */
  pausedAccounts: Map<string, { reason: string; message: string }>;
  /** What happened to the library that the person should read (e.g. an index healed at start). */
  notices: readonly string[];
}

export type Handler<M extends MethodName> = (
  input: MethodParams<M>,
  ctx: HandlerContext,
) => Promise<MethodOutput<M>> | MethodOutput<M>;

export type Handlers = { [M in MethodName]: Handler<M> };
