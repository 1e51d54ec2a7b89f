// Automatic archiving: where each watched account stands, and "Check now".
import { z } from 'zod';
import { LocalIdSchema, NoInputSchema, OkSchema } from './common';

export const AccountWatchStatusSchema = z.object({
  accountId: LocalIdSchema,
  email: z.string(),
  /** Watched and the watcher running (off: the account's switch, or archiving paused). */
  watching: z.boolean(),
  /** A check is reading the account's task list right now. */
  checking: z.boolean(),
  /** A catch-up after a pause is not finished yet (it resumes at the next check). */
  catchingUp: z.boolean(),
  /** ms since epoch; null: never checked. */
  lastCheckedAt: z.number().nullable(),
  /** ms since epoch; null: no check planned. */
  nextCheckAt: z.number().nullable(),
  /** Why the last check failed (null: it worked). */
  lastError: z.string().nullable(),
  /** Works archived for the account today. */
  arrivedToday: z.number().int(),
});

export const WatchStatusSchema = z.object({
  /** Archiving paused by the user (desktop tray): no checks until resumed. */
  paused: z.boolean(),
  accounts: z.array(AccountWatchStatusSchema),
});

export const watchMethods = {
  'watch.status': { input: NoInputSchema, output: WatchStatusSchema },
  /** Checks one account (or every watched one) now; answers when the check is done. */
  'watch.checkNow': { input: z.object({ accountId: LocalIdSchema.optional() }).strict(), output: OkSchema },
} as const;

export type AccountWatchStatus = z.infer<typeof AccountWatchStatusSchema>;
export type WatchStatus = z.infer<typeof WatchStatusSchema>;
