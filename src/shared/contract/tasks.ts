// The task queue: listing, adding task ids in a batch, retry, cancel, re-download, history sync.
// Everything but the list is the sync engine's work.
import { z } from 'zod';
import { TaskListPageSchema, TaskListQuerySchema } from '../domain/library';
import { IdSchema, LibraryPathSchema, LocalIdSchema, OkSchema, TaskIdSchema } from './common';
import { AccountFilterSchema } from './library';

/** Why a task id was not accepted. */
export const AddRejectionSchema = z.enum(['invalid_id', 'duplicate_in_batch', 'already_tracked']);

/** Ids arrive as the user pasted them; each one is judged on its own, never dropped silently. */
export const AddTasksInputSchema = z.strictObject({
  taskIds: z
    .array(z.string().max(100))
    .min(1, 'give at least one task id')
    .max(1000, 'at most 1000 ids at once'),
  /**
   * The account to add them under; omitted: the owner is found (the active account is asked first,
   * then every other account; each task is filed under the account that answers for it).
   */
  accountId: LocalIdSchema.optional(),
});

export const AddTasksOutputSchema = z.object({
  /** The account given, or (owner lookup) the one asked first. */
  accountId: LocalIdSchema,
  /** True when no account was given: each id goes to the account that answers for it. */
  findOwner: z.boolean(),
  accepted: z.array(IdSchema),
  rejected: z.array(z.object({ taskId: z.string(), reason: AddRejectionSchema, message: z.string() })),
});

export const TasksListInputSchema = TaskListQuerySchema.extend({
  account: AccountFilterSchema.optional(),
}).strict();

export const tasksMethods = {
  'tasks.list': { input: TasksListInputSchema, output: TaskListPageSchema },
  'tasks.add': { input: AddTasksInputSchema, output: AddTasksOutputSchema },
  'tasks.retry': { input: z.strictObject({ taskId: TaskIdSchema }), output: OkSchema },
  'tasks.cancel': { input: z.strictObject({ taskId: TaskIdSchema }), output: OkSchema },
  /** Fetches one file of the library again (missing or corrupt). */
  'tasks.redownload': { input: z.strictObject({ relativePath: LibraryPathSchema }), output: OkSchema },
  /** Walks the account's generation history and adds every task found; progress comes as events. */
  'tasks.syncHistory': { input: z.strictObject({ accountId: LocalIdSchema.optional() }), output: OkSchema },
} as const;

export type AddRejection = z.infer<typeof AddRejectionSchema>;
