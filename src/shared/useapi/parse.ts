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
} from './model';

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

export const parseTaskResponse = (text: string) => parseWith(TaskResponseSchema, text);
export const parseHistoryResponse = (text: string) => parseWith(HistoryResponseSchema, text);
export const parseAccountsResponse = (text: string) => parseWith(AccountsResponseSchema, text);
export const parseAccountResponse = (text: string) => parseWith(AccountSchema, text);
export const parseAssetDownloadResponse = (text: string) => parseWith(AssetDownloadResponseSchema, text);
export const parseErrorBody = (text: string) => parseWith(ErrorBodySchema, text);
