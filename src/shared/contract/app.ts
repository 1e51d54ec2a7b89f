// Facts about the running app that the UI adapts to (what this transport can do).
import { z } from 'zod';
import { NoInputSchema } from './common';

/**
 * How saved tokens are kept at rest. `keychain`: sealed by the OS keyring; `weak`: Linux without a
 * keyring, sealed with a fixed key (kept on disk only if the person chose so); `none`: the OS cannot
 * encrypt (tokens last this session only); `owner-file`: headless, a file only its owner can read.
 */
export const TokenProtectionSchema = z.enum(['keychain', 'weak', 'none', 'owner-file']);

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
});

export const appMethods = {
  'app.info': { input: NoInputSchema, output: AppInfoSchema },
} as const;

export type AppInfo = z.infer<typeof AppInfoSchema>;
export type TokenProtection = z.infer<typeof TokenProtectionSchema>;
