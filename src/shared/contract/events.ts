// What the main/headless process tells the UI without being asked: event name → payload schema.
import { z } from 'zod';
import { FileKindSchema, TaskPhaseSchema } from '../domain/library';
import { IdSchema, LibraryPathSchema, LocalIdSchema } from './common';
import { AccountWatchStatusSchema } from './watch';

export const EVENTS = {
  /** A task's state changed (polled, finished, failed, retried, cancelled); the UI refetches it. */
  'task.changed': z.object({
    taskId: IdSchema,
    account: z.string(),
    phase: TaskPhaseSchema,
    final: z.boolean(),
    message: z.string().nullable(),
  }),
  'download.progress': z.object({
    taskId: IdSchema,
    relativePath: LibraryPathSchema,
    kind: FileKindSchema,
    bytesDone: z.number(),
    bytesTotal: z.number().nullable(),
    /** Recent download speed, for the UI's speed display (the sync engine always sends it). */
    bytesPerSecond: z.number().optional(),
  }),
  /** A file reached the library (written, checked and renamed into place). */
  'file.archived': z.object({
    taskId: IdSchema,
    workId: IdSchema.nullable(),
    relativePath: LibraryPathSchema,
    kind: FileKindSchema,
    bytes: z.number(),
  }),
  /** The engine stopped asking on this account's behalf until the user acts (e.g. token refused). */
  'account.paused': z.object({
    accountId: LocalIdSchema,
    email: z.string(),
    reason: z.enum(['unauthorized', 'payment_required', 'not_configured', 'other']),
    message: z.string(),
  }),
  'history.progress': z.object({
    accountId: LocalIdSchema,
    pages: z.number().int(),
    tasksFound: z.number().int(),
    tasksAdded: z.number().int(),
    done: z.boolean(),
    error: z.string().nullable(),
  }),
  /** Accounts or the active account changed (in another window, or by a command). */
  'accounts.changed': z.object({ activeAccountId: LocalIdSchema.nullable() }),
  'settings.changed': z.object({}),
  'library.moveProgress': z.object({
    filesDone: z.number().int(),
    filesTotal: z.number().int(),
    bytesDone: z.number(),
    bytesTotal: z.number(),
    done: z.boolean(),
  }),
  /** An account's watching changed: a check started or ended, works arrived, a switch flipped. */
  'watch.status': AccountWatchStatusSchema,
} as const;
