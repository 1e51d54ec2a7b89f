// One HTTP exchange with useapi.net: fetch with a single deadline that covers connecting, the headers
// and the whole body (a body that stalls half-way is a timeout too), combined with the caller's
// AbortSignal. Failures become typed outcomes built only from status codes and error *codes* — never
// from an Error's message or cause, which could quote a header value (the token).
import type {
  AbortedResult,
  NetworkErrorResult,
  TimeoutResult,
  UseapiOperation,
  MalformedResult,
} from './result';

/** Larger answers are refused rather than buffered: a history page is well under a megabyte. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface HttpAnswer {
  kind: 'answer';
  status: number;
  headers: Headers;
  body: string;
}

export interface ExchangeRequest {
  operation: UseapiOperation;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  fetch: typeof fetch;
}

export type ExchangeOutcome =
  HttpAnswer | NetworkErrorResult | TimeoutResult | AbortedResult | MalformedResult;

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (is the API address right and the server running?)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  UND_ERR_SOCKET: 'the connection closed before the answer was complete',
  UND_ERR_CLOSED: 'the connection closed before the answer was complete',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server sent no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending the answer',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer was shorter or longer than announced',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'the request was cut short',
  ENOTFOUND: 'the API host name was not found',
  EAI_AGAIN: 'the API host name could not be resolved (DNS unavailable)',
  ETIMEDOUT: 'connecting timed out',
  EHOSTUNREACH: 'the API host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNABORTED: 'the connection was aborted',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not match the host name',
};

/** The first system/undici error code found along the cause chain (and inside AggregateErrors). */
export function findErrorCode(error: unknown, depth = 0): string | null {
  if (depth > 8 || error === null || typeof error !== 'object') return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = findErrorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return findErrorCode((error as { cause?: unknown }).cause, depth + 1);
}

function networkError(operation: UseapiOperation, error: unknown, status: number | null): NetworkErrorResult {
  const code = findErrorCode(error);
  const known = code ? NETWORK_MESSAGES[code] : undefined;
  // "terminated" without a code is undici's wording for a body cut off mid-way.
  const message = known ?? (code ? `network error (${code})` : 'the connection failed or was cut off');
  return { kind: 'network_error', operation, status, code, message };
}

/** Reads the body as UTF-8 text, refusing more than MAX_BODY_BYTES. */
async function readBody(response: Response): Promise<{ text: string } | { problem: string }> {
  const announced = Number(response.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > MAX_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    return { problem: `the answer is larger than ${MAX_BODY_BYTES} bytes` };
  }
  if (!response.body) return { text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      return { problem: `the answer is larger than ${MAX_BODY_BYTES} bytes` };
    }
    chunks.push(value);
  }
  const bytes = Buffer.concat(chunks, total);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { problem: 'the answer is not valid UTF-8 text' };
  }
}

export async function exchange(request: ExchangeRequest): Promise<ExchangeOutcome> {
  const { operation, timeoutMs } = request;
  const aborted = (): AbortedResult => ({
    kind: 'aborted',
    operation,
    status: null,
    message: 'the request was cancelled',
  });
  if (request.signal?.aborted) return aborted();

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
  // Which signal fired decides the outcome, not the error thrown (its shape differs by phase).
  const interrupted = (status: number | null): TimeoutResult | AbortedResult | null => {
    if (deadline.signal.aborted) {
      return {
        kind: 'timeout',
        operation,
        status,
        timeoutMs,
        message: `no complete answer within ${timeoutMs} ms`,
      };
    }
    if (request.signal?.aborted) return { ...aborted(), status };
    return null;
  };

  let status: number | null = null;
  try {
    const response = await request.fetch(request.url, {
      method: 'GET',
      headers: request.headers,
      signal,
      // A redirect could carry the Authorization header somewhere else; the API never redirects.
      redirect: 'manual',
    });
    status = response.status;
    const body = await readBody(response);
    if ('problem' in body) {
      return { kind: 'malformed', operation, status, problem: body.problem, message: body.problem };
    }
    return { kind: 'answer', status, headers: response.headers, body: body.text };
  } catch (error) {
    return interrupted(status) ?? networkError(operation, error, status);
  } finally {
    clearTimeout(timer);
  }
}
