// What the handlers are given: the settings and secrets, the process's one library, the engine when
// it runs here, the desktop shell in the app, and the per-call context an adapter supplies.
import type { MethodName, MethodOutput, MethodParams, SettingOverride } from '../../shared/contract';
import type { SecretStore } from '../settings/secret-store';
import type { SettingsStore } from '../settings/store';
import type { Engine } from './ports/engine-port';
import type { EventBus } from './event-bus';
import type { LibraryHandle, LibraryPort } from './ports/library-port';
import type { Logger } from './logger';
import type { CreateAccountsClient } from './ports/useapi-port';

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
  /** The process's one library, shared with the engine (the composition root opens and closes it). */
  library: LibraryHandle;
  /** Absent where nothing syncs (a headless server without the engine): its methods answer `unavailable`. */
  engine?: Engine | undefined;
  accountsClient: CreateAccountsClient;
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
  /** The open library, opened on first use; throws `unavailable` when it cannot be opened. */
  library(): LibraryPort;
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
