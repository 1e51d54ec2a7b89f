// The useapi.net Kling response model, written once. Shapes follow the reference page
// (shared/reference/useapi-kling-get-task.txt): every field optional, unknown fields kept, ids as
// exact decimal strings (see exact-json.ts). Every object is an openObject: `null` in an optional
// field means absent, whatever the field (see open-object.ts). What we cannot do without (a status,
// the ids and result URLs of succeeded works) is checked after the shape, in needed-facts.ts.
import { z } from 'zod';
import { openObject } from './open-object';

/** An exact decimal id, as exact-json.ts produces it. */
export const IdSchema = z.string().regex(/^\d{1,40}$/, 'expected a numeric id');

export const TaskInputSchema = openObject({
  name: z.string().optional(),
  inputType: z.string().optional(),
  token: z.string().optional(),
  blobStorage: z.string().optional(),
  url: z.string().optional(),
  cover: z.string().optional(),
  fromWorkId: IdSchema.optional(),
  fromUploadId: IdSchema.optional(),
});

export const TaskArgumentSchema = openObject({
  name: z.string().optional(),
  // Documented as string; numbers are accepted so that one odd argument cannot sink a whole task.
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export const TaskInfoSchema = openObject({
  type: z.string().optional(),
  inputs: z.array(TaskInputSchema).optional(),
  arguments: z.array(TaskArgumentSchema).optional(),
  extraArgs: z.record(z.string(), z.unknown()).optional(),
  callbackPayloads: z.array(z.unknown()).optional(),
  scene: z.string().optional(),
});

const StatusFields = {
  status: z.number().optional(),
  status_name: z.string().optional(),
  status_final: z.boolean().optional(),
};

export const TaskDetailSchema = openObject({
  id: IdSchema.optional(),
  userId: IdSchema.optional(),
  type: z.string().optional(),
  scene: z.string().optional(),
  ...StatusFields,
  taskInfo: TaskInfoSchema.optional(),
  favored: z.boolean().optional(),
  deleted: z.boolean().optional(),
  viewed: z.boolean().optional(),
  createTime: z.number().optional(),
  updateTime: z.number().optional(),
  viewTime: z.number().optional(),
});

export const MediaResourceSchema = openObject({
  resource: z.string().optional(),
  height: z.number().optional(),
  width: z.number().optional(),
  duration: z.number().optional(),
  resourceKey: z.string().optional(),
});

export const TaskWorkSchema = openObject({
  workId: IdSchema.optional(),
  workItemId: IdSchema.optional(),
  taskId: IdSchema.optional(),
  userId: IdSchema.optional(),
  type: z.string().optional(),
  ...StatusFields,
  contentType: z.string().optional(),
  resource: MediaResourceSchema.optional(),
  cover: MediaResourceSchema.optional(),
  starNum: z.number().optional(),
  cloneCount: z.number().optional(),
  reportNum: z.number().optional(),
  createTime: z.number().optional(),
  taskInfo: TaskInfoSchema.optional(),
  selfAttitude: z.string().optional(),
  selfComment: openObject({
    rate: z.number().optional(),
    tags: z.array(z.unknown()).optional(),
    content: z.string().optional(),
    prompts: z.array(z.unknown()).optional(),
  }).optional(),
  favored: z.boolean().optional(),
  starred: z.boolean().optional(),
  publishStatus: z.string().optional(),
  deleted: z.boolean().optional(),
  publishTime: z.number().optional(),
  submitTime: z.number().optional(),
  lipSyncStatus: z.number().optional(),
  downloadInfo: openObject({
    fileTypes: z
      .array(openObject({ type: z.string().optional(), watermark: z.boolean().optional() }))
      .optional(),
  }).optional(),
  allowPublish: z.boolean().optional(),
});

/** GET /v1/kling/tasks/{task_id} — and each entry of a history page. */
export const TaskResponseSchema = openObject({
  ...StatusFields,
  etaTime: z.number().optional(),
  etaTimeOverSla: z.boolean().optional(),
  queuingEtaTime: z.number().optional(),
  originEtaTime: z.number().optional(),
  originQueuingEtaTime: z.number().optional(),
  message: z.string().optional(),
  task: TaskDetailSchema.optional(),
  works: z.array(TaskWorkSchema).optional(),
  currentTimestamp: z.number().optional(),
});

/** Error bodies: `{"error":"Task not found"}`, `{"error":"Unauthorized","code":401}`. */
export const ErrorBodySchema = openObject({
  error: z.string(),
  code: z.number().optional(),
});

/** GET /v1/kling/accounts/{email} (and each value of GET /v1/kling/accounts). */
export const AccountSchema = openObject({
  email: z.string().optional(),
  session: openObject({
    userId: IdSchema.optional(),
    ExpireTime: z.union([z.number(), z.string()]).optional(),
    ExpireTimeUTC: z.string().optional(),
  }).optional(),
  maxJobs: z.number().optional(),
  password: z.string().optional(),
  balance: z.unknown().optional(),
});

/** GET /v1/kling/accounts: `{ "<email>": account, ... }`. */
export const AccountsResponseSchema = z.record(z.string(), AccountSchema);

/** GET /v1/kling/tasks?email=…: the account's generation history, newest first. */
export const HistoryResponseSchema = openObject({
  history: z.array(TaskResponseSchema),
});

/** GET /v1/kling/assets/download: a watermark-free copy (paid plans). */
export const AssetDownloadResponseSchema = openObject({
  cdnUrl: z.string().min(1),
  status: z.string().optional(),
});

export type TaskInput = z.infer<typeof TaskInputSchema>;
export type TaskArgument = z.infer<typeof TaskArgumentSchema>;
export type TaskInfo = z.infer<typeof TaskInfoSchema>;
export type TaskDetail = z.infer<typeof TaskDetailSchema>;
export type MediaResource = z.infer<typeof MediaResourceSchema>;
export type TaskWork = z.infer<typeof TaskWorkSchema>;
export type TaskResponse = z.infer<typeof TaskResponseSchema>;
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type Account = z.infer<typeof AccountSchema>;
export type AccountsResponse = z.infer<typeof AccountsResponseSchema>;
export type HistoryResponse = z.infer<typeof HistoryResponseSchema>;
export type AssetDownloadResponse = z.infer<typeof AssetDownloadResponseSchema>;
