// Inputs are checked before any request so a typo costs nothing and never reaches the service.
// Ids stay strings end to end: a JS number would silently change any id above 2^53.
import { judgeTaskId } from '../../shared/domain/task-id';
import { redactToken } from './mask-token';
import type { InvalidIdResult, InvalidInputResult, UseapiOperation } from './result';

/** Which call is checking, and the token to scrub from quoted input (it may have been pasted in the wrong field). */
export interface CheckContext {
  operation: UseapiOperation;
  token: string;
}

const ID_PATTERN = /^\d{1,40}$/;
// Deliberately simple: one @, no spaces or control characters, a dot in the domain.
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

export const DOWNLOAD_FILE_TYPES = ['MP4', 'PNG', 'MP3', 'WAV'] as const;
export type DownloadFileType = (typeof DOWNLOAD_FILE_TYPES)[number];

/** A short, safe rendering of a bad value for an error message (it may be anything a user typed). */
function show(value: unknown, token: string): string {
  if (typeof value === 'string') {
    // Redact before shortening, or a cut-off token would no longer be recognised.
    const clean = redactToken(value, token).replace(/\p{Cc}/gu, '?');
    return JSON.stringify(clean.length > 60 ? `${clean.slice(0, 60)}…` : clean);
  }
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : typeof value;
}

const numberHint = (value: unknown) =>
  typeof value === 'number' ? ' Pass ids as strings: a number above 2^53 loses digits.' : '';

/** Work ids: opaque numeric strings (task ids have their own rule, below). */
export function isNumericId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Task ids follow the one task-id rule (shared/domain/task-id.ts): digits, at most 2^64−1. */
export function checkTaskId(ctx: CheckContext, id: unknown): InvalidIdResult | null {
  const verdict = typeof id === 'string' ? judgeTaskId(id) : null;
  if (verdict?.ok && verdict.id === id) return null;
  const reason = verdict && !verdict.ok ? verdict.reason : 'a task id is a string of digits';
  return {
    kind: 'invalid_id',
    operation: ctx.operation,
    status: null,
    sent: false,
    message: `The task id ${show(id, ctx.token)} is not valid: ${reason}.${numberHint(id)}`,
  };
}

export function checkWorkIds(ctx: CheckContext, ids: unknown): InvalidIdResult | null {
  if (!Array.isArray(ids) || ids.length === 0) {
    return {
      kind: 'invalid_id',
      operation: ctx.operation,
      status: null,
      sent: false,
      message: 'At least one work id is needed.',
    };
  }
  const bad = ids.find((id) => !isNumericId(id));
  if (bad === undefined) return null;
  return {
    kind: 'invalid_id',
    operation: ctx.operation,
    status: null,
    sent: false,
    message: `The work id ${show(bad, ctx.token)} is not valid: a work id is a string of 1 to 40 digits.${numberHint(bad)}`,
  };
}

function invalidInput(ctx: CheckContext, field: string, message: string): InvalidInputResult {
  return { kind: 'invalid_input', operation: ctx.operation, status: null, field, message };
}

export function checkEmail(ctx: CheckContext, email: unknown): InvalidInputResult | null {
  if (typeof email === 'string' && email.length <= 254 && EMAIL_PATTERN.test(email)) return null;
  return invalidInput(ctx, 'email', `The account email ${show(email, ctx.token)} is not an email address.`);
}

export function checkFileType(ctx: CheckContext, fileType: unknown): InvalidInputResult | null {
  if ((DOWNLOAD_FILE_TYPES as readonly unknown[]).includes(fileType)) return null;
  return invalidInput(
    ctx,
    'fileType',
    `The file type ${show(fileType, ctx.token)} is not one of ${DOWNLOAD_FILE_TYPES.join(', ')}.`,
  );
}

export interface ListTasksQuery {
  /** How many history entries per page (a positive integer). */
  pageSize?: number;
  /** Only tasks created before this time (ms since epoch): page backwards with the oldest createTime seen. */
  createdBefore?: number;
  /** Only tasks created after this time (ms since epoch). Cannot be combined with createdBefore. */
  createdAfter?: number;
  /** `video`, `image` or `audio`. */
  contentType?: string;
}

const isTimestamp = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export function checkListTasksQuery(ctx: CheckContext, query: ListTasksQuery): InvalidInputResult | null {
  if (query.createdBefore !== undefined && query.createdAfter !== undefined) {
    return invalidInput(
      ctx,
      'createdBefore',
      'createdBefore and createdAfter cannot be combined: useapi.net accepts only one of them.',
    );
  }
  if (
    query.pageSize !== undefined &&
    !(Number.isSafeInteger(query.pageSize) && query.pageSize >= 1 && query.pageSize <= 1000)
  ) {
    return invalidInput(
      ctx,
      'pageSize',
      `The page size ${show(query.pageSize, ctx.token)} is not an integer from 1 to 1000.`,
    );
  }
  for (const field of ['createdBefore', 'createdAfter'] as const) {
    const value = query[field];
    if (value !== undefined && !isTimestamp(value)) {
      return invalidInput(
        ctx,
        field,
        `${field} must be a time in milliseconds since 1970 (got ${show(value, ctx.token)}).`,
      );
    }
  }
  if (query.contentType !== undefined && !/^[a-z_]{1,32}$/i.test(query.contentType)) {
    return invalidInput(
      ctx,
      'contentType',
      `The content type ${show(query.contentType, ctx.token)} is not valid.`,
    );
  }
  return null;
}
