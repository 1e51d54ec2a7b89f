// Raw response text → a validated model value, or the first problem with its path.
import type { z } from 'zod';
import { parseExactJson } from './exact-json';
import {
  AccountSchema,
  AccountsResponseSchema,
  AssetDownloadResponseSchema,
  ErrorBodySchema,
  HistoryResponseSchema,
  TaskResponseSchema,
  type TaskResponse,
} from './model';
import { missingNeededFact } from './needed-facts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `works[0].workId` style path for a zod issue path. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

export function parseWith<S extends z.ZodType>(schema: S, text: string): ParseResult<z.infer<S>> {
  let json: unknown;
  try {
    json = parseExactJson(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `not JSON (${detail})` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    problem: issue ? `at ${formatIssuePath(issue.path)}: ${issue.message}` : 'does not match the model',
  };
}

/**
 * A GET /tasks/{id} answer: the liberal shape, then the facts we cannot do without (see
 * needed-facts.ts). History pages are read by shape alone, so that one odd entry never costs the page.
 */
export function parseTaskResponse(text: string): ParseResult<TaskResponse> {
  const parsed = parseWith(TaskResponseSchema, text);
  if (!parsed.ok) return parsed;
  const missing = missingNeededFact(parsed.value);
  return missing ? { ok: false, problem: `at ${missing.path}: ${missing.message}` } : parsed;
}

export const parseHistoryResponse = (text: string) => parseWith(HistoryResponseSchema, text);
export const parseAccountsResponse = (text: string) => parseWith(AccountsResponseSchema, text);
export const parseAccountResponse = (text: string) => parseWith(AccountSchema, text);
export const parseAssetDownloadResponse = (text: string) => parseWith(AssetDownloadResponseSchema, text);
export const parseErrorBody = (text: string) => parseWith(ErrorBodySchema, text);
