// Every call of the useapi.net client ends in exactly one of these outcomes — nothing is thrown — so
// the sync engine can decide retry / pause / give up with a switch on `kind`, and the CLI and UI can
// show describeResult(result). No outcome ever carries the API token or an Error object (whose
// message or cause could).

export type UseapiOperation = 'getTask' | 'listAccounts' | 'getAccount' | 'listTasks' | 'getDownloadUrl';

interface Failure<K extends string> {
  kind: K;
  operation: UseapiOperation;
  /** HTTP status of the answer; null when no answer was received (or no request was made). */
  status: number | null;
  /** A short detail: the server's `error` text, or what went wrong locally. Token-free. */
  message: string;
}

export interface UseapiOk<T> {
  kind: 'ok';
  operation: UseapiOperation;
  status: number;
  value: T;
  /** The response body exactly as received; the library stores it. */
  raw: string;
}

/** A task or work id that is not an opaque numeric string (refused locally), or the service's 400 on getTask. */
export type InvalidIdResult = Failure<'invalid_id'> & { sent: boolean };
/** An argument refused before any request: an email that is not one, conflicting filters, ... */
export type InvalidInputResult = Failure<'invalid_input'> & { field: string; status: null };
/** Any other 4xx, e.g. 400 "Invalid parameters" on /assets/download. */
export type BadRequestResult = Failure<'bad_request'> & { status: number };
export type UnauthorizedResult = Failure<'unauthorized'> & { status: 401 };
export type PaymentRequiredResult = Failure<'payment_required'> & { status: 402 };
export type NotFoundResult = Failure<'not_found'> & { status: 404 };
export type RateLimitedResult = Failure<'rate_limited'> & { status: 429; retryAfterMs?: number };
export type ServerErrorResult = Failure<'server_error'> & { status: number; retryAfterMs?: number };
/** A status the API does not use at all (1xx, 3xx — redirects are not followed —, odd 2xx codes). */
export type UnexpectedStatusResult = Failure<'unexpected_status'> & { status: number };
/** Connection refused, reset, closed mid-body, DNS failure. `code` is the system/undici error code. */
export type NetworkErrorResult = Failure<'network_error'> & { code: string | null };
/** No complete answer within timeoutMs — covers connecting, headers and a body that stalls. */
export type TimeoutResult = Failure<'timeout'> & { timeoutMs: number };
/** The caller's AbortSignal fired. */
export type AbortedResult = Failure<'aborted'>;
/** A complete answer that is not JSON or does not fit the model: `problem` names the first issue and its path. */
export type MalformedResult = Failure<'malformed'> & { status: number; problem: string };

export type UseapiFailure =
  | InvalidIdResult
  | InvalidInputResult
  | BadRequestResult
  | UnauthorizedResult
  | PaymentRequiredResult
  | NotFoundResult
  | RateLimitedResult
  | ServerErrorResult
  | UnexpectedStatusResult
  | NetworkErrorResult
  | TimeoutResult
  | AbortedResult
  | MalformedResult;

export type UseapiResult<T> = UseapiOk<T> | UseapiFailure;

export type UseapiResultKind = UseapiResult<unknown>['kind'];

const WHAT: Record<UseapiOperation, string> = {
  getTask: 'Reading the task',
  listAccounts: 'Listing the Kling accounts',
  getAccount: 'Reading the Kling account',
  listTasks: 'Reading the generation history',
  getDownloadUrl: 'Asking for the watermark-free download',
};

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** One sentence a person can act on, for any outcome (the ok case included, for completeness). */
export function describeResult(result: UseapiResult<unknown>): string {
  const what = WHAT[result.operation];
  switch (result.kind) {
    case 'ok':
      return `${what} succeeded.`;
    case 'invalid_id':
      return result.sent
        ? `useapi.net refused the id: ${result.message} (check the task id, and pick an account email when the token has several).`
        : `${result.message} Nothing was sent.`;
    case 'invalid_input':
      return `${result.message} Nothing was sent.`;
    case 'bad_request':
      return `${what} failed: useapi.net refused the request (HTTP ${result.status}: ${result.message}).`;
    case 'unauthorized':
      return `${what} failed: useapi.net rejected the API token (HTTP 401). Check the token in the settings.`;
    case 'payment_required':
      return `${what} failed: useapi.net requires a subscription for this (HTTP 402: ${result.message}).`;
    case 'not_found':
      return result.operation === 'getTask'
        ? `The task was not found (HTTP 404: ${result.message}); useapi.net says it may be deleted, refused at moderation, or out of credits.`
        : result.operation === 'listAccounts'
          ? 'No Kling account is configured under this API token (HTTP 404).'
          : `${what} failed: not found (HTTP 404: ${result.message}).`;
    case 'rate_limited':
      return result.retryAfterMs === undefined
        ? `${what} was refused: too many requests (HTTP 429). Waiting before trying again.`
        : `${what} was refused: too many requests (HTTP 429). The service asks to wait ${seconds(result.retryAfterMs)}.`;
    case 'server_error':
      return `${what} failed: useapi.net had a server error (HTTP ${result.status}: ${result.message}). It will be tried again later.`;
    case 'unexpected_status':
      return `${what} failed: useapi.net answered with an unexpected HTTP status ${result.status}.`;
    case 'network_error':
      return `${what} failed: ${result.message}. Check the network connection and the API address.`;
    case 'timeout':
      return `${what} timed out: no complete answer within ${seconds(result.timeoutMs)}.`;
    case 'aborted':
      return `${what} was cancelled.`;
    case 'malformed':
      return `${what} failed: the answer could not be read (${result.problem}).`;
  }
}
