// The settings are the one home of the engine's defaults: the app, the headless mode and the CLI all
// build their engine from them, so none of them polls harder or downloads more than the others.
import type { Settings } from '../../shared/contract';
import { defaultSettings } from '../settings/schema';
import type { LiveEngineOptions } from './engine-types';

/**
 * What the settings ask of the sync engine. Every field is one the engine can change while it runs
 * (SyncEngine.configure), so a settings change never needs a restart.
 */
export function engineOptionsFromSettings(settings: Settings): Required<LiveEngineOptions> {
  return {
    apiBase: settings.apiBase,
    // Per account, like the setting says; 1 a minute is allowed (no floor).
    requestsPerSecond: settings.polling.maxRequestsPerMinute / 60,
    downloadConcurrency: settings.downloads.concurrency,
    watermarkFree: settings.downloads.watermarkFree,
    fallbackToWatermarked: settings.downloads.fallbackToWatermarked,
    keepInputs: settings.downloads.keepInputs,
    pollPolicy: {
      // The shortest gap between two looks at a running task; the ETA and age rules lengthen it.
      minIntervalMs: settings.polling.intervalSeconds * 1000,
      staleAfterMs: Math.round(settings.polling.giveUpAfterHours * 3_600_000),
    },
  };
}

/** The engine's options when nothing sets them: the default settings' values. */
export const DEFAULT_ENGINE_OPTIONS: Readonly<Required<LiveEngineOptions>> = engineOptionsFromSettings(
  defaultSettings({ home: '' }),
);
