// The useapi.net Kling client: five read calls, each ending in one typed UseapiResult (see result.ts).
// Inputs are validated before anything is sent; the token travels only in the Authorization header
// and is scrubbed from anything the server sends back before it reaches a message.
import {
  parseAccountResponse,
  parseAccountsResponse,
  parseAssetDownloadResponse,
  parseErrorBody,
  parseHistoryResponse,
  parseTaskResponse,
} from '../../shared/useapi';
import type {
  Account,
  AccountsResponse,
  AssetDownloadResponse,
  HistoryResponse,
  ParseResult,
  TaskResponse,
} from '../../shared/useapi';
import { resolveApiRoot } from './base-url';
import { redactToken } from './mask-token';
import type { UseapiOperation, UseapiResult } from './result';
import { parseRetryAfter } from './retry-after';
import { exchange } from './transport';
import type { HttpAnswer } from './transport';
import {
  checkEmail,
  checkFileType,
  checkListTasksQuery,
  checkTaskId,
  checkWorkIds,
  type DownloadFileType,
  type ListTasksQuery,
} from './validate';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_USER_AGENT = 'kling-archive';

export interface UseapiClientOptions {
  /** Default https://api.useapi.net; `/v1/kling/...` is appended (an existing `/v1/kling` is not doubled). */
  baseUrl?: string;
  /** The useapi.net API token. Sent only as `Authorization: Bearer …`. */
  token: string;
  /** One deadline for the whole exchange: connecting, headers and body. Default 30 s. */
  timeoutMs?: number;
  /** Another fetch implementation (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface RequestOptions {
  /** Cancels the request; the outcome is then `aborted`. */
  signal?: AbortSignal;
}

export interface UseapiClient {
  /** The resolved API root, e.g. `https://api.useapi.net/v1/kling`. */
  readonly apiRoot: string;
  /** GET /tasks/{id}?email= — `email` is needed only when the token has several accounts. */
  getTask(id: string, email?: string, options?: RequestOptions): Promise<UseapiResult<TaskResponse>>;
  /** GET /accounts — the Kling accounts (emails) configured under the token; 404 when none. */
  listAccounts(options?: RequestOptions): Promise<UseapiResult<AccountsResponse>>;
  /** GET /accounts/{email}. */
  getAccount(email: string, options?: RequestOptions): Promise<UseapiResult<Account>>;
  /** GET /tasks?email=&pageSize=&createdBefore=|createdAfter=&contentType= — the generation history. */
  listTasks(
    email: string,
    query?: ListTasksQuery,
    options?: RequestOptions,
  ): Promise<UseapiResult<HistoryResponse>>;
  /** GET /assets/download?email=&workIds=&fileTypes= — a watermark-free copy (paid plans). */
  getDownloadUrl(
    email: string,
    workIds: readonly string[],
    fileType: DownloadFileType,
    options?: RequestOptions,
  ): Promise<UseapiResult<AssetDownloadResponse>>;
}

/** Configuration errors (bad base URL, empty token) are thrown at construction; they never contain the token. */
export class UseapiConfigError extends Error {
  override name = 'UseapiConfigError';
}

const MAX_TIMER_MS = 2_147_483_647;

/** The server's own words for an error, cleaned for display: its `error` field when the body has one. */
function serverMessage(answer: HttpAnswer, token: string): string {
  const parsed = parseErrorBody(answer.body);
  let text = parsed.ok ? parsed.value.error : '';
  text = text.replace(/\p{Cc}+/gu, ' ').trim();
  if (text.length > 300) text = `${text.slice(0, 300)}…`;
  return redactToken(text || `HTTP ${answer.status}`, token);
}

function interpret<T>(
  operation: UseapiOperation,
  answer: HttpAnswer,
  parse: (text: string) => ParseResult<T>,
  token: string,
): UseapiResult<T> {
  const { status } = answer;
  if (status >= 200 && status < 300) {
    const parsed = parse(answer.body);
    if (parsed.ok) return { kind: 'ok', operation, status, value: parsed.value, raw: answer.body };
    const problem = redactToken(parsed.problem, token);
    return {
      kind: 'malformed',
      operation,
      status,
      problem,
      message: `the answer does not fit the model: ${problem}`,
    };
  }
  const message = serverMessage(answer, token);
  if (status === 400 && operation === 'getTask')
    return { kind: 'invalid_id', operation, status, sent: true, message };
  if (status === 401) return { kind: 'unauthorized', operation, status, message };
  if (status === 402) return { kind: 'payment_required', operation, status, message };
  if (status === 404) return { kind: 'not_found', operation, status, message };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
    return retryAfterMs === undefined
      ? { kind: 'rate_limited', operation, status, message }
      : { kind: 'rate_limited', operation, status, message, retryAfterMs };
  }
  if (status >= 400 && status < 500) return { kind: 'bad_request', operation, status, message };
  if (status >= 500 && status < 600) {
    const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
    return retryAfterMs === undefined
      ? { kind: 'server_error', operation, status, message }
      : { kind: 'server_error', operation, status, message, retryAfterMs };
  }
  return { kind: 'unexpected_status', operation, status, message };
}

/** What every request of one client is made with, checked once when the client is made. */
interface ClientConfig {
  apiRoot: string;
  token: string;
  timeoutMs: number;
  fetchImpl: typeof fetch;
  headers: Record<string, string>;
}

/** The options checked (base URL, token, timeout); throws UseapiConfigError with what to fix. */
function clientConfig(options: UseapiClientOptions): ClientConfig {
  const root = resolveApiRoot(options.baseUrl);
  if (!root.ok) throw new UseapiConfigError(root.problem);
  const apiRoot = root.apiRoot;

  const token = typeof options.token === 'string' ? options.token.trim() : '';
  if (token === '') throw new UseapiConfigError('The useapi.net API token is empty.');
  // fetch would throw on such a header with the value quoted in its message: refuse it here instead.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UseapiConfigError(
      'The useapi.net API token contains spaces or characters that cannot be sent.',
    );
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
    throw new UseapiConfigError(`The timeout must be a positive number of milliseconds (got ${timeoutMs}).`);
  }
  const userAgent = (options.userAgent ?? DEFAULT_USER_AGENT).replace(/[^\x20-\x7e]/g, '');
  const headers = {
    Authorization: `Bearer ${token}`,
    Accept: 'application/json',
    'User-Agent': userAgent,
  };
  return { apiRoot, token, timeoutMs, fetchImpl: options.fetch ?? globalThis.fetch, headers };
}

/** One GET under the client's config, its answer read by `parse`. */
async function get<T>(
  config: ClientConfig,
  operation: UseapiOperation,
  path: string,
  query: Record<string, string | undefined>,
  parse: (text: string) => ParseResult<T>,
  requestOptions: RequestOptions | undefined,
): Promise<UseapiResult<T>> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, value);
  const qs = search.toString();
  const outcome = await exchange({
    operation,
    url: `${config.apiRoot}${path}${qs ? `?${qs}` : ''}`,
    headers: config.headers,
    timeoutMs: config.timeoutMs,
    signal: requestOptions?.signal,
    fetch: config.fetchImpl,
  });
  if (outcome.kind !== 'answer') return outcome;
  return interpret(operation, outcome, parse, config.token);
}

export function createUseapiClient(options: UseapiClientOptions): UseapiClient {
  const config = clientConfig(options);
  const { apiRoot, token } = config;
  const ask = <T>(
    operation: UseapiOperation,
    path: string,
    query: Record<string, string | undefined>,
    parse: (text: string) => ParseResult<T>,
    requestOptions: RequestOptions | undefined,
  ) => get(config, operation, path, query, parse, requestOptions);

  return {
    apiRoot,

    async getTask(id, email, requestOptions) {
      const refused =
        checkTaskId({ operation: 'getTask', token }, id) ??
        (email === undefined ? null : checkEmail({ operation: 'getTask', token }, email));
      if (refused) return refused;
      return ask('getTask', `/tasks/${id}`, { email }, parseTaskResponse, requestOptions);
    },

    async listAccounts(requestOptions) {
      return ask('listAccounts', '/accounts', {}, parseAccountsResponse, requestOptions);
    },

    async getAccount(email, requestOptions) {
      const refused = checkEmail({ operation: 'getAccount', token }, email);
      if (refused) return refused;
      return ask(
        'getAccount',
        `/accounts/${encodeURIComponent(email)}`,
        {},
        parseAccountResponse,
        requestOptions,
      );
    },

    async listTasks(email, query = {}, requestOptions) {
      const refused =
        checkEmail({ operation: 'listTasks', token }, email) ??
        checkListTasksQuery({ operation: 'listTasks', token }, query);
      if (refused) return refused;
      return ask(
        'listTasks',
        '/tasks',
        {
          email,
          pageSize: query.pageSize?.toString(),
          createdBefore: query.createdBefore?.toString(),
          createdAfter: query.createdAfter?.toString(),
          contentType: query.contentType,
        },
        parseHistoryResponse,
        requestOptions,
      );
    },

    async getDownloadUrl(email, workIds, fileType, requestOptions) {
      const refused =
        checkEmail({ operation: 'getDownloadUrl', token }, email) ??
        checkWorkIds({ operation: 'getDownloadUrl', token }, workIds) ??
        checkFileType({ operation: 'getDownloadUrl', token }, fileType);
      if (refused) return refused;
      return ask(
        'getDownloadUrl',
        '/assets/download',
        { email, workIds: workIds.join(','), fileTypes: fileType },
        parseAssetDownloadResponse,
        requestOptions,
      );
    },
  };
}
