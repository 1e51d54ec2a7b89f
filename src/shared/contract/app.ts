// Facts about the running app that the UI adapts to (what this transport can do).
import { z } from 'zod';
import { NoInputSchema } from './common';

/**
 * How saved tokens are kept at rest. `keychain`: sealed by the OS keyring; `weak`: Linux without a
 * keyring, sealed with a fixed key (kept on disk only if the person chose so); `none`: the OS cannot
 * encrypt (tokens last this session only); `owner-file`: headless, a file only its owner can read.
 */
export const TokenProtectionSchema = z.enum(['keychain', 'weak', 'none', 'owner-file']);

/**
 * The settings whose values the running app does not follow (the demo polls and watches faster than
 * the settings allow the real service), by their path in the settings.
 */
export const OverridableSettingSchema = z.enum([
  'polling.intervalSeconds',
  'polling.maxRequestsPerMinute',
  'watching.intervalMinutes',
]);

export const SettingOverrideSchema = z.object({
  setting: OverridableSettingSchema,
  /** What the app does instead, in words: "checks a running task every 3 s". */
  applies: z.string(),
});

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** `desktop`: the Electron app; `headless`: the HTTP server in a browser. */
  mode: z.enum(['desktop', 'headless']),
  platform: z.string(),
  /** Whether the sync engine is running (adding tasks, downloads, history). */
  engine: z.boolean(),
  capabilities: z.object({
    openInFolder: z.boolean(),
    dragOut: z.boolean(),
    notifications: z.boolean(),
  }),
  tokenProtection: TokenProtectionSchema,
  /** Lines about the library the person should read once, e.g. a damaged index rebuilt at start. */
  notices: z.array(z.string()),
  /** `kling-archive demo`: made-up data from a local simulator. */
  demo: z.boolean(),
  /** Settings shown in Settings that do not apply while this app runs, and what applies instead. */
  overriddenSettings: z.array(SettingOverrideSchema),
});

export const appMethods = {
  'app.info': { input: NoInputSchema, output: AppInfoSchema },
} as const;

export type AppInfo = z.infer<typeof AppInfoSchema>;
export type TokenProtection = z.infer<typeof TokenProtectionSchema>;
export type OverridableSetting = z.infer<typeof OverridableSettingSchema>;
export type SettingOverride = z.infer<typeof SettingOverrideSchema>;
