// The settings the UI shows and edits. Accounts and tokens have their own methods (accounts.ts); the
// library folder changes only through `settings.moveLibrary`, which moves the files with it.
import { z } from 'zod';
import { NoInputSchema } from './common';

export const ApiBaseSchema = z
  .string()
  .trim()
  .max(500)
  .url('expected a URL such as https://api.useapi.net/v1/kling')
  .refine((url) => /^https?:\/\//i.test(url), 'the API base must be an http(s) URL');

export const PollingSettingsSchema = z.object({
  /**
   * Seconds between two looks at a task that is still running, at least: the service's ETA and the
   * task's age may make the gap longer (up to 2 minutes, or this, when longer), never shorter.
   */
  intervalSeconds: z.number().int().min(5).max(3600),
  /** Requests per minute per account, all tasks together (polls, history, watermark-free asks). */
  maxRequestsPerMinute: z.number().int().min(1).max(600),
  /**
   * After this many hours a task that never finishes is given up (it can be retried); raising it
   * resumes the tasks given up that are younger than the new limit.
   */
  giveUpAfterHours: z
    .number()
    .min(1)
    .max(24 * 30),
});

export const DownloadSettingsSchema = z.object({
  concurrency: z.number().int().min(1).max(8),
  /** Ask useapi.net for the watermark-free copy (paid Kling plans). */
  watermarkFree: z.boolean(),
  /**
   * When the watermark-free copy is refused, keep the watermarked one instead of nothing. Off: the
   * media file is not downloaded and stays failed with the reason, until downloaded again, retried,
   * or this is switched on (a failure that may pass, like a 5xx, is retried first).
   */
  fallbackToWatermarked: z.boolean(),
  /**
   * Also keep the task's input images. Off: no input image is downloaded (those archived stay);
   * switched back on, the missing ones are downloaded.
   */
  keepInputs: z.boolean(),
});

export const WatchingSettingsSchema = z.object({
  /** Minutes between two looks at each watched account's list of tasks. */
  intervalMinutes: z.number().int().min(1).max(1440),
  /** After a pause (app closed, asleep, offline), the first check reaches back at most this far. */
  catchUpDays: z.number().int().min(1).max(3650),
  /** Desktop: closing the window leaves the app archiving in the tray / menu bar. */
  keepArchivingWhenClosed: z.boolean(),
  /** Desktop: start the app (in the tray) when the user logs in. */
  startAtLogin: z.boolean(),
});

/**
 * Where no keyring protects saved tokens (app.info tokenProtection 'weak'): `session` keeps them in
 * memory only, `store` keeps them with the weak protection, `ask` (not chosen yet) stores them as
 * before while Settings asks.
 */
export const WeakTokenStorageSchema = z.enum(['ask', 'session', 'store']);

export const SettingsSchema = z.object({
  /** Absolute path of the library folder. */
  libraryFolder: z.string().min(1).max(4096),
  apiBase: ApiBaseSchema,
  polling: PollingSettingsSchema,
  downloads: DownloadSettingsSchema,
  /** New tasks of every watched account are archived on their own. */
  watching: WatchingSettingsSchema,
  /** OS notifications when a task finishes or fails (desktop app). */
  notifications: z.boolean(),
  weakTokenStorage: WeakTokenStorageSchema,
});

export const SettingsPatchSchema = z
  .object({
    apiBase: ApiBaseSchema,
    polling: PollingSettingsSchema.partial().strict(),
    downloads: DownloadSettingsSchema.partial().strict(),
    watching: WatchingSettingsSchema.partial().strict(),
    notifications: z.boolean(),
    weakTokenStorage: WeakTokenStorageSchema,
  })
  .partial()
  .strict();

export const MoveLibraryInputSchema = z.strictObject({
  /** Absolute path of the new folder: missing or empty. */
  folder: z.string().trim().min(1).max(4096),
});

export const MoveLibraryOutputSchema = z.object({
  libraryFolder: z.string(),
  movedFiles: z.number().int(),
  movedBytes: z.number(),
});

export const settingsMethods = {
  'settings.get': { input: NoInputSchema, output: SettingsSchema },
  'settings.update': { input: SettingsPatchSchema, output: SettingsSchema },
  'settings.moveLibrary': { input: MoveLibraryInputSchema, output: MoveLibraryOutputSchema },
} as const;

export type Settings = z.infer<typeof SettingsSchema>;
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
export type WeakTokenStorage = z.infer<typeof WeakTokenStorageSchema>;
