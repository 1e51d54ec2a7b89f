// Small schemas several contract domains share.
import { z } from 'zod';
import { judgeTaskId } from '../domain/task-id';
import { IdSchema } from '../useapi/model';

export { IdSchema };

/** A task id as a person gives it, judged by the one task-id rule (digits, at most 2^64−1). */
export const TaskIdSchema = z.string().superRefine((value, ctx) => {
  const verdict = judgeTaskId(value);
  if (!verdict.ok) ctx.addIssue({ code: 'custom', message: verdict.reason });
  else if (verdict.id !== value) ctx.addIssue({ code: 'custom', message: 'surrounding spaces' });
});

/** A method without input still takes a value: `{}` (or nothing, which the adapters turn into `{}`). */
export const NoInputSchema = z.object({}).strict();
export const OkSchema = z.object({ ok: z.literal(true) });

/** A path inside the library folder, as the library stores it (forward slashes, no `..`). */
export const LibraryPathSchema = z.string().min(1).max(1024);

/** Our own ids (accounts, stored tokens): opaque, short, URL-safe. */
export const LocalIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected a local id (letters, digits, - and _)');

export const EmailSchema = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an email address');

export type MethodSpec = { input: z.ZodType; output: z.ZodType };
