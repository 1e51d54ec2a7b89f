// Composition root of headless mode: settings in conf, tokens from the launch sources and an
// owner-only file, the real library and useapi client, all behind the one API the server serves.
import { homedir } from 'node:os';
import path from 'node:path';
import { createApi } from '../core/api';
import type { Api, CreateAccountsClient, Engine, Logger, OpenLibrary, RebuildLibrary } from '../core/api';
import type { SettingOverride } from '../shared/contract';
import { createEngineAdapter } from '../core/api/engine-adapter';
import { scrubbingLogger } from '../core/api/logger';
import type { EngineAdapter, EngineAdapterOptions } from '../core/api/engine-adapter';
import type { WatchingOptions } from '../core/api/watching';
import { healLibraryIndex, openLibraryPort, rebuildLibraryIndex } from '../core/api/library-adapter';
import { defaultSettings } from '../core/settings';
import { openConfSettingsStore } from '../core/settings/conf-store';
import { createHeadlessSecretStore, launchToken } from '../core/settings/headless-secrets';
import { apiOrigin, createUseapiClient } from '../core/useapi';

export interface HeadlessOptions {
  configDir: string;
  env?: NodeJS.ProcessEnv;
  /** Saved into the settings when given. */
  libraryFolder?: string | undefined;
  /** Saved into the settings when given (also read from KLING_ARCHIVE_API_BASE). */
  apiBase?: string | undefined;
  token?: string | undefined;
  tokenFile?: string | undefined;
  version: string;
  log?: Logger;
  engine?: Engine;
  /** Runs the real sync engine (ignored when `engine` is given); true or the engine's extra options. */
  syncEngine?: boolean | EngineAdapterOptions['engineOptions'];
  /** With the sync engine: watch the accounts (default on, as the settings say); false: never. */
  watch?: WatchingOptions | false;
  openLibrary?: OpenLibrary;
  rebuildLibrary?: RebuildLibrary;
  accountsClient?: CreateAccountsClient;
  /** `kling-archive demo`: app.info says so, and names the settings the demo overrides. */
  demo?: { overriddenSettings: readonly SettingOverride[] };
}

export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['KLING_ARCHIVE_CONFIG_DIR']) return path.resolve(env['KLING_ARCHIVE_CONFIG_DIR']);
  const base = env['XDG_CONFIG_HOME'] || path.join(homedir(), '.config');
  return path.join(base, 'kling-archive');
}

export const useapiAccountsClient: CreateAccountsClient = (options) => createUseapiClient(options);

export interface HeadlessApi {
  api: Api;
  warnings: string[];
  /** The sync engine, when asked for: the caller starts it and closes it after the server. */
  engine?: EngineAdapter | undefined;
}

export function createHeadlessApi(options: HeadlessOptions): HeadlessApi {
  const env = options.env ?? process.env;
  const apiBase = options.apiBase ?? env['KLING_ARCHIVE_API_BASE'];
  const { store: settings } = openConfSettingsStore(options.configDir, {
    defaults: defaultSettings({ home: homedir(), apiBase }),
  });
  const overrides = {
    ...(options.libraryFolder ? { libraryFolder: path.resolve(options.libraryFolder) } : {}),
    ...(apiBase ? { apiBase } : {}),
  };
  if (Object.keys(overrides).length > 0) settings.update((current) => ({ ...current, ...overrides }));
  const secrets = createHeadlessSecretStore({
    file: path.join(options.configDir, 'tokens.json'),
    origin: apiOrigin(settings.read().apiBase),
    launchToken: launchToken({ env, flagToken: options.token, flagTokenFile: options.tokenFile }),
  });
  // The command line's and the demo's loggers are made before the tokens are known: scrubbed here.
  const tokens = () =>
    secrets
      .list()
      .map(({ tokenId }) => secrets.get(tokenId))
      .filter((token): token is string => token !== undefined);
  const log = options.log ? scrubbingLogger(options.log, tokens) : undefined;
  const engine =
    options.engine === undefined && options.syncEngine
      ? createEngineAdapter({
          settings,
          secrets,
          log,
          ...(typeof options.syncEngine === 'object' ? { engineOptions: options.syncEngine } : {}),
          ...(options.watch !== undefined ? { watch: options.watch } : {}),
        })
      : undefined;
  const api = createApi({
    mode: 'headless',
    version: options.version,
    settings,
    secrets,
    openLibrary: options.openLibrary ?? openLibraryPort,
    rebuildLibrary: options.rebuildLibrary ?? rebuildLibraryIndex,
    healLibrary: healLibraryIndex,
    accountsClient: options.accountsClient ?? useapiAccountsClient,
    engine: options.engine ?? engine,
    demo: options.demo,
    log,
  });
  for (const warning of settings.warnings) api.log.warn(warning);
  return { api, warnings: [...settings.warnings], engine };
}
