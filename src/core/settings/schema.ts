// What the settings file holds: the UI-editable settings (src/shared/contract/settings.ts) plus the
// accounts (token ids only — tokens live in a SecretStore) and the active account.
import path from 'node:path';
import { z } from 'zod';
import { LocalIdSchema, SettingsSchema } from '../../shared/contract';
import type { Settings } from '../../shared/contract';

export const SETTINGS_VERSION = 1;

export const StoredAccountSchema = z.object({
  id: LocalIdSchema,
  label: z.string().min(1).max(80),
  email: z.string().min(3).max(320),
  tokenId: LocalIdSchema,
  /** New tasks of this account are archived on their own (absent in settings written before: on). */
  watch: z.boolean().default(true),
});

export const StoredSettingsSchema = SettingsSchema.extend({
  schemaVersion: z.literal(SETTINGS_VERSION),
  accounts: z.array(StoredAccountSchema),
  activeAccountId: LocalIdSchema.nullable(),
});

export type StoredAccount = z.infer<typeof StoredAccountSchema>;
export type StoredSettings = z.infer<typeof StoredSettingsSchema>;

export const DEFAULT_API_BASE = 'https://api.useapi.net/v1/kling';

/**
 * Hours a task may stay non-final before it is given up (it can be retried). Free-plan queues can
 * take many hours. The engine's default (and so the CLI's) is this same number.
 */
export const DEFAULT_GIVE_UP_AFTER_HOURS = 24;

export interface DefaultsInput {
  /** The user's home folder; the library goes in `<home>/Kling Archive` unless told otherwise. */
  home: string;
  /** `KLING_ARCHIVE_API_BASE`, when set. */
  apiBase?: string | undefined;
}

export function defaultSettings({ home, apiBase }: DefaultsInput): StoredSettings {
  const settings: Settings = {
    libraryFolder: path.join(home, 'Kling Archive'),
    apiBase: apiBase ?? DEFAULT_API_BASE,
    // useapi's own examples poll every 15–20 s; 20 s keeps well under any rate limit.
    polling: {
      intervalSeconds: 20,
      maxRequestsPerMinute: 30,
      giveUpAfterHours: DEFAULT_GIVE_UP_AFTER_HOURS,
    },
    downloads: { concurrency: 2, watermarkFree: true, fallbackToWatermarked: true, keepInputs: true },
    // One listing request per account every 5 minutes: far below any rate limit.
    watching: { intervalMinutes: 5, catchUpDays: 30, keepArchivingWhenClosed: true, startAtLogin: false },
    notifications: true,
    weakTokenStorage: 'ask',
  };
  return { ...settings, schemaVersion: SETTINGS_VERSION, accounts: [], activeAccountId: null };
}
