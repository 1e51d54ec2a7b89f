// Facts about the running app that the UI adapts to (what this transport can do).
import { z } from 'zod';
import { NoInputSchema } from './common';

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
});

export const appMethods = {
  'app.info': { input: NoInputSchema, output: AppInfoSchema },
} as const;

export type AppInfo = z.infer<typeof AppInfoSchema>;
